from rest_framework import serializers

from networks.models import Port
from networks.selectors.ports import device_owner_label


class PortSerializer(serializers.ModelSerializer[Port]):
    device_owner_label = serializers.SerializerMethodField()
    server_name = serializers.CharField(read_only=True, allow_null=True)
    router_name = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Port
        fields = [
            "id",
            "name",
            "project_id",
            "network_id",
            "status",
            "admin_state_up",
            "mac_address",
            "fixed_ips",
            "device_owner",
            "device_owner_label",
            "device_id",
            "server_name",
            "router_name",
            "port_security_enabled",
            "security_group_ids",
            "allowed_address_pairs",
            "description",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields

    def get_device_owner_label(self, port: Port) -> str:
        return device_owner_label(port.device_owner)
