"""Network pages."""

from typing import Any

from django.urls import reverse

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.networks import create_network, delete_network, update_network
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkCreateForm, NetworkEditForm, network_edit_initial
from networks.models import Network
from networks.selectors.networks import (
    network_get,
    network_get_owned,
    network_list,
    network_port_rows,
)
from networks.selectors.subnets import network_subnet_list
from networks.tables.networks import NetworkTable


class NetworkListView(ObjectListView):
    selector = staticmethod(network_list)
    filterset_class = NetworkFilterSet
    table_class = NetworkTable
    template_name = "web/object_list.html"
    title = "Networks"
    create_url_name = "networks:network_create"
    create_label = "Create network"
    bulk_delete_url_name = "networks:network_bulk_delete"


class NetworkDetailView(ObjectDetailView):
    getter = staticmethod(network_get)
    template_name = "networks/network_detail.html"

    def get_related(self, obj: Network) -> dict[str, Any]:
        return {
            "owned": obj.project_id == self.project_id,
            "subnets": network_subnet_list(network_id=obj.id),
            "ports": network_port_rows(project_id=self.project_id, network_id=obj.id),
        }


class NetworkCreateView(OperationFormView):
    form_class = NetworkCreateForm
    title = "Create network"
    submit_label = "Create network"
    success_url_name = "networks:network_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return create_network(data)


class NetworkEditView(OperationFormView):
    form_class = NetworkEditForm
    getter = staticmethod(network_get_owned)
    title = "Edit network {obj.name_or_id}"
    submit_label = "Save"

    def get_initial(self, obj: Network) -> dict[str, Any]:
        return network_edit_initial(obj)

    def get_success_url(self, obj: Network) -> str:
        return reverse("networks:network_detail", kwargs={"pk": obj.pk})

    def change(self, data: dict[str, Any], obj: Network) -> dict[str, Any]:
        return update_network(obj, data)


class NetworkDeleteView(ObjectActionView):
    getter = staticmethod(network_get_owned)
    success_url_name = "networks:network_list"

    def change(self, obj: Network) -> dict[str, Any]:
        return delete_network(obj)


class NetworkBulkDeleteView(BulkActionView):
    getter = staticmethod(network_get_owned)
    success_url_name = "networks:network_list"

    def change(self, obj: Network) -> dict[str, Any]:
        return delete_network(obj)
