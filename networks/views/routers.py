"""Router pages: list, detail, create, edit, delete; gateway, interfaces and static routes."""

from typing import Any

from django.urls import reverse

from dashboard.policy import policy_allows
from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.routers import (
    add_router_interface,
    add_router_route,
    clear_router_gateway,
    create_router,
    delete_router,
    remove_router_interface,
    remove_router_route,
    set_router_gateway,
    update_router,
)
from networks.filtersets.routers import RouterFilterSet
from networks.forms.routers import (
    RouterCreateForm,
    RouterEditForm,
    RouterGatewayForm,
    RouterInterfaceAddForm,
    RouterInterfaceRemoveForm,
    RouterRouteForm,
    RouterRouteRemoveForm,
)
from networks.models import Router, Subnet
from networks.selectors.routers import (
    router_floating_ips,
    router_get,
    router_interface_list,
    router_list,
)
from networks.tables.routers import RouterTable

# What each button on the router pages needs from Neutron's policy.
BUTTON_RULES = {
    "may_edit": "update_router",
    "may_delete": "delete_router",
    "may_change_gateway": "update_router:external_gateway_info",
    "may_add_interface": "add_router_interface",
    "may_remove_interface": "remove_router_interface",
    "may_add_route": "add_extraroutes",
    "may_remove_route": "remove_extraroutes",
}


class RouterListView(ObjectListView):
    selector = staticmethod(router_list)
    filterset_class = RouterFilterSet
    table_class = RouterTable
    template_name = "web/object_list.html"
    title = "Routers"
    create_label = "Create router"

    @property
    def create_url_name(self) -> str:  # type: ignore[override]
        allowed = policy_allows(self.request.keystone, "neutron", "create_router")  # type: ignore[attr-defined]
        return "networks:router_create" if allowed else ""

    @property
    def bulk_delete_url_name(self) -> str:  # type: ignore[override]
        allowed = policy_allows(self.request.keystone, "neutron", "delete_router")  # type: ignore[attr-defined]
        return "networks:router_bulk_delete" if allowed else ""


class RouterDetailView(ObjectDetailView):
    getter = staticmethod(router_get)
    template_name = "networks/router_detail.html"

    def get_related(self, obj: Router) -> dict[str, Any]:
        gateway = obj.external_gateway_info or {}
        fixed_ips = gateway.get("external_fixed_ips") or []
        subnets = Subnet.objects.in_bulk({ip["subnet_id"] for ip in fixed_ips})
        keystone = self.request.keystone  # type: ignore[attr-defined]
        return {
            "gateway_ips": [
                {"ip_address": ip.get("ip_address", ""), "subnet": subnets.get(ip["subnet_id"])}
                for ip in fixed_ips
            ],
            "interfaces": router_interface_list(project_id=self.project_id, router_id=obj.id),
            "floating_ips": router_floating_ips(project_id=self.project_id, router_id=obj.id),
            **{
                flag: policy_allows(keystone, "neutron", rule)
                for flag, rule in BUTTON_RULES.items()
            },
        }


class RouterCreateView(OperationFormView):
    form_class = RouterCreateForm
    title = "Create router"
    submit_label = "Create router"
    success_url_name = "networks:router_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return create_router(data)


class RouterFormView(OperationFormView):
    """A form that changes one of the project's routers; back to the router's page after."""

    getter = staticmethod(router_get)

    def get_success_url(self, obj: Router) -> str:
        return reverse("networks:router_detail", kwargs={"pk": obj.pk})


class RouterEditView(RouterFormView):
    form_class = RouterEditForm
    title = "Edit router “{obj.name_or_id}”"

    def get_initial(self, obj: Router) -> dict[str, Any]:
        state = "on" if obj.admin_state_up else "off"
        return {"name": obj.name, "description": obj.description, "admin_state_up": state}

    def change(self, data: dict[str, Any], obj: Router) -> dict[str, Any]:
        return update_router(obj, data)


class RouterGatewayView(RouterFormView):
    form_class = RouterGatewayForm
    title = "External gateway of router “{obj.name_or_id}”"
    submit_label = "Set gateway"

    def get_initial(self, obj: Router) -> dict[str, Any]:
        gateway = obj.external_gateway_info or {}
        fixed_ips = gateway.get("external_fixed_ips") or [{}]
        return {
            "external_network_id": obj.external_network_id,
            "enable_snat": "off" if gateway.get("enable_snat") is False else "on",
            "fixed_ip_subnet_id": fixed_ips[0].get("subnet_id", ""),
            "fixed_ip_address": fixed_ips[0].get("ip_address", ""),
        }

    def change(self, data: dict[str, Any], obj: Router) -> dict[str, Any]:
        return set_router_gateway(obj, data)


class RouterInterfaceAddView(RouterFormView):
    form_class = RouterInterfaceAddForm
    title = "Add an interface to router “{obj.name_or_id}”"
    submit_label = "Add interface"

    def change(self, data: dict[str, Any], obj: Router) -> dict[str, Any]:
        return add_router_interface(obj, data)


class RouterInterfaceRemoveView(RouterFormView):
    form_class = RouterInterfaceRemoveForm
    title = "Remove an interface from router “{obj.name_or_id}”"
    submit_label = "Remove interface"

    def change(self, data: dict[str, Any], obj: Router) -> dict[str, Any]:
        return remove_router_interface(obj, data)


class RouterRouteAddView(RouterFormView):
    form_class = RouterRouteForm
    title = "Add a static route to router “{obj.name_or_id}”"
    submit_label = "Add route"

    def change(self, data: dict[str, Any], obj: Router) -> dict[str, Any]:
        return add_router_route(obj, data)


class RouterRouteRemoveView(RouterFormView):
    form_class = RouterRouteRemoveForm
    title = "Remove a static route from router “{obj.name_or_id}”"
    submit_label = "Remove route"

    def change(self, data: dict[str, Any], obj: Router) -> dict[str, Any]:
        return remove_router_route(obj, data)


class RouterGatewayClearView(ObjectActionView):
    getter = staticmethod(router_get)

    def get_success_url(self, obj: Router) -> str:
        return reverse("networks:router_detail", kwargs={"pk": obj.pk})

    def change(self, obj: Router) -> dict[str, Any]:
        return clear_router_gateway(obj)


class RouterDeleteView(ObjectActionView):
    getter = staticmethod(router_get)
    success_url_name = "networks:router_list"

    def change(self, obj: Router) -> dict[str, Any]:
        return delete_router(obj)


class RouterBulkDeleteView(BulkActionView):
    getter = staticmethod(router_get)
    success_url_name = "networks:router_list"

    def change(self, obj: Router) -> dict[str, Any]:
        return delete_router(obj)
