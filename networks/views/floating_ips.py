"""Floating IP pages: the list, a floating IP's page with its port forwardings, and changes."""

from typing import Any

from django.urls import reverse

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.floating_ips import (
    allocate_floating_ip,
    associate_floating_ip,
    create_port_forwarding,
    delete_port_forwarding,
    disassociate_floating_ip,
    release_floating_ip,
)
from networks.filtersets.floating_ips import FloatingIPFilterSet
from networks.forms.floating_ips import (
    FloatingIPAssociateForm,
    FloatingIPCreateForm,
    PortForwardingForm,
)
from networks.models import FloatingIP, PortForwarding
from networks.selectors.floating_ips import (
    floating_ip_get,
    floating_ip_list,
    port_forwarding_get,
    port_forwarding_list,
    port_forwarding_supported,
)
from networks.tables.floating_ips import FloatingIPTable, PortForwardingTable, mapped_to
from networks.tables.ports import url_if_routed


def floating_ip_url(floating_ip_id: str) -> str:
    return reverse("networks:floating_ip_detail", kwargs={"pk": floating_ip_id})


class FloatingIPListView(ObjectListView):
    selector = staticmethod(floating_ip_list)
    filterset_class = FloatingIPFilterSet
    table_class = FloatingIPTable
    template_name = "web/object_list.html"
    title = "Floating IPs"
    create_url_name = "networks:floating_ip_create"
    create_label = "Allocate floating IP"
    bulk_delete_url_name = "networks:floating_ip_bulk_delete"


class FloatingIPDetailView(ObjectDetailView):
    getter = staticmethod(floating_ip_get)
    noun = "floating IP"
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


class FloatingIPCreateView(OperationFormView):
    form_class = FloatingIPCreateForm
    title = "Allocate floating IP"
    submit_label = "Allocate"
    success_url_name = "networks:floating_ip_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return allocate_floating_ip(data)


class FloatingIPAssociateView(OperationFormView):
    form_class = FloatingIPAssociateForm
    getter = staticmethod(floating_ip_get)
    title = "Associate floating IP {obj.floating_ip_address}"
    submit_label = "Associate"

    def get_success_url(self, obj: FloatingIP) -> str:
        return floating_ip_url(obj.pk)

    def change(self, data: dict[str, Any], obj: FloatingIP) -> dict[str, Any]:
        return associate_floating_ip(obj, data)


class FloatingIPDisassociateView(ObjectActionView):
    getter = staticmethod(floating_ip_get)
    success_url_name = "networks:floating_ip_list"

    def change(self, obj: FloatingIP) -> dict[str, Any]:
        return disassociate_floating_ip(obj)


class FloatingIPDeleteView(ObjectActionView):
    getter = staticmethod(floating_ip_get)
    success_url_name = "networks:floating_ip_list"

    def change(self, obj: FloatingIP) -> dict[str, Any]:
        return release_floating_ip(obj)


class FloatingIPBulkDeleteView(BulkActionView):
    getter = staticmethod(floating_ip_get)
    success_url_name = "networks:floating_ip_list"

    def change(self, obj: FloatingIP) -> dict[str, Any]:
        return release_floating_ip(obj)


class PortForwardingCreateView(OperationFormView):
    form_class = PortForwardingForm
    getter = staticmethod(floating_ip_get)
    title = "Add a port forwarding to floating IP {obj.floating_ip_address}"
    submit_label = "Add port forwarding"

    def get_success_url(self, obj: FloatingIP) -> str:
        return floating_ip_url(obj.pk)

    def change(self, data: dict[str, Any], obj: FloatingIP) -> dict[str, Any]:
        return create_port_forwarding(obj, data)


class PortForwardingDeleteView(ObjectActionView):
    getter = staticmethod(port_forwarding_get)
    success_url_name = "networks:floating_ip_list"

    def change(self, obj: PortForwarding) -> dict[str, Any]:
        return delete_port_forwarding(obj)
