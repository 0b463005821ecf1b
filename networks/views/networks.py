"""Network pages: the list and the detail; every change is a form's page or button, declared in
`networks/urls/networks.py` with its form (`networks/forms/networks.py`)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dashboard.sessions import request_session
from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from dashboard.web.permissions import allowed_by_policy, permitted_actions
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkDeleteForm
from networks.models import Network, Subnet
from networks.selectors.networks import (
    network_get,
    network_get_owned,
    network_list,
    network_port_rows,
)
from networks.selectors.subnets import network_subnet_list
from networks.tables.networks import NetworkTable
from networks.tasks import FRESHNESS


class NetworkListView(ObjectListView):
    freshness = FRESHNESS
    selector = staticmethod(network_list)
    filterset_class = NetworkFilterSet
    table_class = NetworkTable
    template_name = "web/object_list.html"
    title = _("Networks")
    create_url_name = "networks:network_create"
    create_label = _("Create network")
    bulk_delete_url_name = "networks:network_bulk_delete"


class NetworkDetailView(ObjectDetailView):
    getter = staticmethod(network_get)
    noun = _("network")
    template_name = "networks/network_detail.html"

    def get_related(self, obj: Network) -> dict[str, Any]:
        session = request_session(self.request)
        subnet_policy = allowed_by_policy(session, Subnet)
        return {
            "owned": obj.project_id == self.project_id,
            # Each subnet with the actions the session may take on it.
            "subnet_rows": [
                (subnet, permitted_actions(session, Subnet, subnet, by_policy=subnet_policy))
                for subnet in network_subnet_list(network_id=obj.id)
            ],
            "subnet_may": permitted_actions(session, Subnet, by_policy=subnet_policy),
            "ports": network_port_rows(project_id=self.project_id, network_id=obj.id),
        }


class NetworkFormView(OperationFormView):
    """A form that changes one of the project's own networks; back to the network's page after."""

    getter = staticmethod(network_get_owned)

    def get_success_url(self, obj: Network) -> str:
        return reverse("networks:network_detail", kwargs={"pk": obj.pk})


class NetworkDeleteView(ObjectActionView):
    getter = staticmethod(network_get_owned)
    form_class = NetworkDeleteForm
    success_url_name = "networks:network_list"


class NetworkBulkDeleteView(BulkActionView):
    getter = staticmethod(network_get_owned)
    form_class = NetworkDeleteForm
    success_url_name = "networks:network_list"
