from typing import Any

from rest_framework import serializers

from networks.models import Router
from networks.selectors.routers import router_interface_list


class RouterSerializer(serializers.ModelSerializer[Router]):
    interface_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Router
        fields = [
            "id",
            "name",
            "description",
            "project_id",
            "status",
            "admin_state_up",
            "external_gateway_info",
            "external_network_id",
            "enable_snat",
            "routes",
            "interface_count",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields


class RouterDetailSerializer(RouterSerializer):
    """One router with its interfaces (subnet, address, port)."""

    interfaces = serializers.SerializerMethodField()

    class Meta(RouterSerializer.Meta):
        fields = [*RouterSerializer.Meta.fields, "interfaces"]
        read_only_fields = fields

    def get_interfaces(self, router: Router) -> list[dict[str, Any]]:
        return [
            {
                "subnet_id": interface.subnet_id,
                "subnet_cidr": interface.subnet.cidr if interface.subnet else None,
                "ip_address": interface.ip_address,
                "port_id": interface.port.id,
            }
            for interface in router_interface_list(
                project_id=router.project_id, router_id=router.id
            )
        ]
