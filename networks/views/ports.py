"""Port pages: the list and the detail; every change is a form's page or button, declared in
`networks/urls/ports.py` with its form (`networks/forms/ports.py`)."""

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
from networks.filtersets.ports import PortFilterSet
from networks.forms.ports import PortDeleteForm
from networks.models import FloatingIP, Port, SecurityGroup, Subnet
from networks.selectors.ports import device_owner_label, port_delete_refusal, port_get, port_list
from networks.tables.ports import PortTable, attachment
from networks.tasks import FRESHNESS


class PortListView(ObjectListView):
    freshness = FRESHNESS
    selector = staticmethod(port_list)
    filterset_class = PortFilterSet
    table_class = PortTable
    template_name = "web/object_list.html"
    title = _("Ports")
    create_url_name = "networks:port_create"
    create_label = _("Create port")
    bulk_delete_url_name = "networks:port_bulk_delete"


class PortDetailView(ObjectDetailView):
    getter = staticmethod(port_get)
    noun = _("port")
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


class PortFormView(OperationFormView):
    """A form that changes one of the project's ports; back to the port's page after."""

    getter = staticmethod(port_get)

    def get_success_url(self, obj: Port) -> str:
        return reverse("networks:port_detail", kwargs={"pk": obj.pk})


class PortDeleteView(ObjectActionView):
    getter = staticmethod(port_get)
    form_class = PortDeleteForm
    success_url_name = "networks:port_list"


class PortBulkDeleteView(BulkActionView):
    getter = staticmethod(port_get)
    form_class = PortDeleteForm
    success_url_name = "networks:port_list"
