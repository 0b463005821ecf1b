from rest_framework import serializers

from networks.models import FloatingIP


class FloatingIPSerializer(serializers.ModelSerializer[FloatingIP]):
    class Meta:
        model = FloatingIP
        fields = [
            "id",
            "floating_ip_address",
            "floating_network_id",
            "fixed_ip_address",
            "port_id",
            "router_id",
            "status",
            "description",
            "project_id",
            "synced_at",
        ]
        read_only_fields = fields
