"""Subnet pages."""

from typing import Any

from django.urls import reverse

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.subnets import create_subnet, delete_subnet, update_subnet
from networks.filtersets.subnets import SubnetFilterSet
from networks.forms.subnets import SubnetCreateForm, SubnetEditForm, subnet_edit_initial
from networks.models import Subnet
from networks.selectors.subnets import subnet_get, subnet_list, subnet_pool_get
from networks.tables.subnets import SubnetTable


class SubnetListView(ObjectListView):
    selector = staticmethod(subnet_list)
    filterset_class = SubnetFilterSet
    table_class = SubnetTable
    template_name = "web/object_list.html"
    title = "Subnets"
    create_url_name = "networks:subnet_create"
    create_label = "Create subnet"
    bulk_delete_url_name = "networks:subnet_bulk_delete"


class SubnetDetailView(ObjectDetailView):
    getter = staticmethod(subnet_get)
    template_name = "networks/subnet_detail.html"

    def get_related(self, obj: Subnet) -> dict[str, Any]:
        pool = subnet_pool_get(project_id=self.project_id, pk=obj.subnetpool_id)
        return {"subnet_pool": pool}


class SubnetCreateView(OperationFormView):
    form_class = SubnetCreateForm
    title = "Create subnet"
    submit_label = "Create subnet"
    success_url_name = "networks:subnet_list"

    def get_initial(self, obj: None) -> dict[str, Any]:
        """`?network=<id>` (the network page's "Add subnet") preselects the network."""
        return {"network_id": self.request.GET.get("network", "")}

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return create_subnet(data)


class SubnetEditView(OperationFormView):
    form_class = SubnetEditForm
    getter = staticmethod(subnet_get)
    title = "Edit subnet {obj.name_or_id} ({obj.cidr})"
    submit_label = "Save"

    def get_initial(self, obj: Subnet) -> dict[str, Any]:
        return subnet_edit_initial(obj)

    def get_success_url(self, obj: Subnet) -> str:
        return reverse("networks:subnet_detail", kwargs={"pk": obj.pk})

    def change(self, data: dict[str, Any], obj: Subnet) -> dict[str, Any]:
        return update_subnet(obj, data)


class SubnetDeleteView(ObjectActionView):
    getter = staticmethod(subnet_get)
    success_url_name = "networks:subnet_list"

    def change(self, obj: Subnet) -> dict[str, Any]:
        return delete_subnet(obj)


class SubnetBulkDeleteView(BulkActionView):
    getter = staticmethod(subnet_get)
    success_url_name = "networks:subnet_list"

    def change(self, obj: Subnet) -> dict[str, Any]:
        return delete_subnet(obj)
