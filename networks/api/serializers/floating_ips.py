from rest_framework import serializers

from networks.models import FloatingIP, PortForwarding


class FloatingIPSerializer(serializers.ModelSerializer[FloatingIP]):
    server_name = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = FloatingIP
        fields = [
            "id",
            "floating_ip_address",
            "floating_network_id",
            "fixed_ip_address",
            "port_id",
            "server_name",
            "router_id",
            "status",
            "description",
            "project_id",
            "synced_at",
        ]
        read_only_fields = fields


class PortForwardingSerializer(serializers.ModelSerializer[PortForwarding]):
    class Meta:
        model = PortForwarding
        fields = [
            "id",
            "floating_ip_id",
            "protocol",
            "internal_port_id",
            "internal_ip_address",
            "internal_port_number",
            "external_port_number",
            "internal_port_range",
            "external_port_range",
            "description",
            "project_id",
            "synced_at",
        ]
        read_only_fields = fields
