from rest_framework import serializers

from networks.models import Network


class NetworkSerializer(serializers.ModelSerializer[Network]):
    class Meta:
        model = Network
        fields = [
            "id",
            "name",
            "project_id",
            "status",
            "admin_state_up",
            "shared",
            "router_external",
            "mtu",
            "port_security_enabled",
            "description",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields
