"""Router pages: the list and the detail; every change is a form's page or button, declared in
`networks/urls/routers.py` with its form (`networks/forms/routers.py`)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.filtersets.routers import RouterFilterSet
from networks.forms.routers import RouterDeleteForm
from networks.models import Router, Subnet
from networks.selectors.routers import (
    router_floating_ips,
    router_get,
    router_interface_list,
    router_list,
)
from networks.tables.routers import RouterTable
from networks.tasks import FRESHNESS


class RouterListView(ObjectListView):
    freshness = FRESHNESS
    selector = staticmethod(router_list)
    filterset_class = RouterFilterSet
    table_class = RouterTable
    template_name = "web/object_list.html"
    title = _("Routers")
    create_label = _("Create router")
    create_url_name = "networks:router_create"
    bulk_delete_url_name = "networks:router_bulk_delete"


class RouterDetailView(ObjectDetailView):
    getter = staticmethod(router_get)
    noun = _("router")
    template_name = "networks/router_detail.html"

    def get_related(self, obj: Router) -> dict[str, Any]:
        gateway = obj.external_gateway_info or {}
        fixed_ips = gateway.get("external_fixed_ips") or []
        subnets = Subnet.objects.in_bulk({ip["subnet_id"] for ip in fixed_ips})
        return {
            "gateway_ips": [
                {"ip_address": ip.get("ip_address", ""), "subnet": subnets.get(ip["subnet_id"])}
                for ip in fixed_ips
            ],
            "interfaces": router_interface_list(project_id=self.project_id, router_id=obj.id),
            "floating_ips": router_floating_ips(project_id=self.project_id, router_id=obj.id),
        }


class RouterFormView(OperationFormView):
    """A form that changes one of the project's routers; back to the router's page after."""

    getter = staticmethod(router_get)

    def get_success_url(self, obj: Router | None) -> str:
        if obj is None:
            return reverse("networks:router_list")
        return reverse("networks:router_detail", kwargs={"pk": obj.pk})


class RouterActionView(ObjectActionView, RouterFormView):
    """A change of one router without options (a button on its page)."""


class RouterDeleteView(ObjectActionView):
    getter = staticmethod(router_get)
    form_class = RouterDeleteForm
    success_url_name = "networks:router_list"


class RouterBulkDeleteView(BulkActionView):
    getter = staticmethod(router_get)
    form_class = RouterDeleteForm
    success_url_name = "networks:router_list"
