"""Subnet pages: the list and the detail; every change is a form's page or button, declared in
`networks/urls/subnets.py` with its form (`networks/forms/subnets.py`)."""

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
from networks.filtersets.subnets import SubnetFilterSet
from networks.forms.subnets import SubnetDeleteForm
from networks.models import Subnet
from networks.selectors.subnets import subnet_get, subnet_list, subnet_pool_get
from networks.tables.subnets import SubnetTable
from networks.tasks import FRESHNESS


class SubnetListView(ObjectListView):
    freshness = FRESHNESS
    selector = staticmethod(subnet_list)
    filterset_class = SubnetFilterSet
    table_class = SubnetTable
    template_name = "web/object_list.html"
    title = _("Subnets")
    create_url_name = "networks:subnet_create"
    create_label = _("Create subnet")
    bulk_delete_url_name = "networks:subnet_bulk_delete"


class SubnetDetailView(ObjectDetailView):
    getter = staticmethod(subnet_get)
    noun = _("subnet")
    template_name = "networks/subnet_detail.html"

    def get_related(self, obj: Subnet) -> dict[str, Any]:
        pool = subnet_pool_get(project_id=self.project_id, pk=obj.subnetpool_id)
        return {"subnet_pool": pool}


class SubnetCreateView(OperationFormView):
    """`?network=<id>` (the network page's "Add subnet") preselects the network."""

    def get_initial(self, obj: None) -> dict[str, Any]:
        return {"network_id": self.request.GET.get("network", "")}


class SubnetFormView(OperationFormView):
    """A form that changes one of the project's subnets; back to the subnet's page after."""

    getter = staticmethod(subnet_get)

    def get_success_url(self, obj: Subnet) -> str:
        return reverse("networks:subnet_detail", kwargs={"pk": obj.pk})


class SubnetDeleteView(ObjectActionView):
    getter = staticmethod(subnet_get)
    form_class = SubnetDeleteForm
    success_url_name = "networks:subnet_list"


class SubnetBulkDeleteView(BulkActionView):
    getter = staticmethod(subnet_get)
    form_class = SubnetDeleteForm
    success_url_name = "networks:subnet_list"
