from rest_framework import serializers

from networks.models import SecurityGroup, SecurityGroupRule


class SecurityGroupRuleSerializer(serializers.ModelSerializer[SecurityGroupRule]):
    class Meta:
        model = SecurityGroupRule
        fields = [
            "id",
            "security_group_id",
            "direction",
            "ethertype",
            "protocol",
            "port_range_min",
            "port_range_max",
            "remote_ip_prefix",
            "remote_group_id",
            "description",
            "project_id",
            "revision_number",
            "created_at",
            "synced_at",
        ]
        read_only_fields = fields


class SecurityGroupSerializer(serializers.ModelSerializer[SecurityGroup]):
    rule_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SecurityGroup
        fields = [
            "id",
            "name",
            "description",
            "stateful",
            "rule_count",
            "project_id",
            "tags",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields


class SecurityGroupDetailSerializer(SecurityGroupSerializer):
    """A group with its rules."""

    rules = SecurityGroupRuleSerializer(many=True, read_only=True)

    class Meta(SecurityGroupSerializer.Meta):
        fields = [*SecurityGroupSerializer.Meta.fields, "rules"]
        read_only_fields = fields
