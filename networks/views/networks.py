"""Network pages."""

from typing import Any

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.networks import create_network, delete_network
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkCreateForm
from networks.models import Network
from networks.selectors.networks import network_get_owned, network_list
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


class NetworkCreateView(OperationFormView):
    form_class = NetworkCreateForm
    title = "Create network"
    submit_label = "Create network"
    success_url_name = "networks:network_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return create_network(data)


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
