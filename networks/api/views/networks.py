from typing import Any

from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.web.api import ProjectViewSet
from networks.api.serializers.networks import NetworkSerializer
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkCreateForm, NetworkDeleteForm, NetworkEditForm
from networks.selectors.networks import network_list


class NetworkViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """Networks the project sees; create (with an optional first subnet), edit and delete its
    own through operations."""

    selector = staticmethod(network_list)
    serializer_class = NetworkSerializer
    filterset_class = NetworkFilterSet
    ordering_fields = ["name", "status", "created_at"]
    input_forms = {
        "create": NetworkCreateForm,
        "update": NetworkEditForm,
        "partial_update": NetworkEditForm,
    }

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(NetworkCreateForm, self.form_data(NetworkCreateForm))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        network = self.get_object()
        return self.start_form(NetworkEditForm, self.form_data(NetworkEditForm, network), network)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(NetworkDeleteForm, {}, self.get_object())
