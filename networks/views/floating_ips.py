"""Floating IP pages: the list, and a floating IP's page with its port forwardings; every change
is a form's page or button, declared in `networks/urls/floating_ips.py` with its form
(`networks/forms/floating_ips.py`)."""

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
from networks.filtersets.floating_ips import FloatingIPFilterSet
from networks.forms.floating_ips import FloatingIPReleaseForm
from networks.models import FloatingIP
from networks.selectors.floating_ips import (
    floating_ip_get,
    floating_ip_list,
    port_forwarding_list,
    port_forwarding_supported,
)
from networks.tables.floating_ips import FloatingIPTable, PortForwardingTable, mapped_to
from networks.tables.ports import url_if_routed
from networks.tasks import FRESHNESS


class FloatingIPListView(ObjectListView):
    freshness = FRESHNESS
    selector = staticmethod(floating_ip_list)
    filterset_class = FloatingIPFilterSet
    table_class = FloatingIPTable
    template_name = "web/object_list.html"
    title = _("Floating IPs")
    create_url_name = "networks:floating_ip_create"
    create_label = _("Allocate floating IP")
    bulk_delete_url_name = "networks:floating_ip_bulk_delete"


class FloatingIPDetailView(ObjectDetailView):
    getter = staticmethod(floating_ip_get)
    noun = _("floating IP")
    template_name = "networks/floating_ip_detail.html"

    def get_related(self, obj: FloatingIP) -> dict[str, Any]:
        supported = port_forwarding_supported()
        rules = port_forwarding_list(project_id=self.project_id, floating_ip_id=obj.pk)
        return {
            "mapped_to": mapped_to(obj),
            "port_url": reverse("networks:port_detail", kwargs={"pk": obj.port_id})
            if obj.port_id
            else "",
            "router_url": url_if_routed("networks:router_detail", obj.router_id)
            if obj.router_id
            else "",
            "port_forwarding_supported": supported,
            "port_forwardings": PortForwardingTable(
                rules, project_id=self.project_id, request=self.request
            )
            if supported
            else None,
        }


class FloatingIPFormView(OperationFormView):
    """A form that changes one of the project's floating IPs; back to its page after."""

    getter = staticmethod(floating_ip_get)

    def get_success_url(self, obj: FloatingIP) -> str:
        return reverse("networks:floating_ip_detail", kwargs={"pk": obj.pk})


class FloatingIPActionView(ObjectActionView):
    """A change of one floating IP without options (a button); back to the list after."""

    getter = staticmethod(floating_ip_get)
    success_url_name = "networks:floating_ip_list"


class FloatingIPBulkReleaseView(BulkActionView):
    getter = staticmethod(floating_ip_get)
    form_class = FloatingIPReleaseForm
    success_url_name = "networks:floating_ip_list"
