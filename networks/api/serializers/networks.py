from typing import Any

from rest_framework import serializers

from networks.models import Network

# Provider attributes are visible to administrators only (as in Neutron): the mirror, read as an
# administrator, has them for every network.
PROVIDER_FIELDS = ("provider_network_type", "provider_physical_network", "provider_segmentation_id")


class NetworkSerializer(serializers.ModelSerializer[Network]):
    # Neutron's `shared` as the project reads it: shared with it, or with every project.
    shared = serializers.BooleanField(source="shared_with_project", read_only=True)
    # Present for administrators only: the schema does not promise them (dashboard.web.api).
    conditional_fields = PROVIDER_FIELDS

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
            *PROVIDER_FIELDS,
            "description",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if getattr(self.context.get("view"), "swagger_fake_view", False):
            return fields  # the schema lists them, for administrators
        request = self.context.get("request")
        if request is None or not request.keystone.is_admin:
            for name in PROVIDER_FIELDS:
                fields.pop(name)
        return fields
