"""Port pages: the list, a port's page, and the changes to it."""

from typing import Any

from django.urls import reverse

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.ports import create_port, delete_port, update_port
from networks.filtersets.ports import PortFilterSet
from networks.forms.ports import PortForm, port_form_initial
from networks.models import FloatingIP, Port, SecurityGroup, Subnet
from networks.selectors.ports import device_owner_label, port_delete_refusal, port_get, port_list
from networks.tables.ports import PortTable, attachment


class PortListView(ObjectListView):
    selector = staticmethod(port_list)
    filterset_class = PortFilterSet
    table_class = PortTable
    template_name = "web/object_list.html"
    title = "Ports"
    create_url_name = "networks:port_create"
    create_label = "Create port"
    bulk_delete_url_name = "networks:port_bulk_delete"


class PortDetailView(ObjectDetailView):
    getter = staticmethod(port_get)
    template_name = "networks/port_detail.html"

    def get_related(self, obj: Port) -> dict[str, Any]:
        subnets = Subnet.objects.in_bulk([fixed["subnet_id"] for fixed in obj.fixed_ips])
        attached_label, attached_url = attachment(obj)
        return {
            "fixed_ips": [
                {**fixed, "subnet": subnets.get(fixed["subnet_id"])} for fixed in obj.fixed_ips
            ],
            "security_groups": SecurityGroup.objects.filter(pk__in=obj.security_group_ids).order_by(
                "name"
            ),
            "floating_ips": FloatingIP.objects.filter(
                project_id=self.project_id, port_id=obj.pk
            ).order_by("floating_ip_address"),
            "used_by": device_owner_label(obj.device_owner),
            "attached_label": attached_label,
            "attached_url": attached_url,
            "delete_refusal": port_delete_refusal(port=obj),
        }


class PortCreateView(OperationFormView):
    form_class = PortForm
    title = "Create port"
    submit_label = "Create port"
    success_url_name = "networks:port_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return create_port(data)


class PortUpdateView(OperationFormView):
    form_class = PortForm
    getter = staticmethod(port_get)
    title = "Edit port “{obj.name_or_id}”"

    def get_initial(self, obj: Port) -> dict[str, Any]:
        return port_form_initial(obj)

    def get_success_url(self, obj: Port) -> str:
        return reverse("networks:port_detail", kwargs={"pk": obj.pk})

    def change(self, data: dict[str, Any], obj: Port) -> dict[str, Any]:
        return update_port(obj, data)


class PortDeleteView(ObjectActionView):
    getter = staticmethod(port_get)
    success_url_name = "networks:port_list"

    def change(self, obj: Port) -> dict[str, Any]:
        return delete_port(obj)


class PortBulkDeleteView(BulkActionView):
    getter = staticmethod(port_get)
    success_url_name = "networks:port_list"

    def change(self, obj: Port) -> dict[str, Any]:
        return delete_port(obj)
