from typing import Any

from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.api.views import start_from_api, validated_form
from dashboard.web.api import ProjectViewSet
from networks.api.serializers.networks import NetworkSerializer
from networks.changes.networks import create_network, delete_network
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkCreateForm
from networks.selectors.networks import network_list


class NetworkViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """Networks the project sees; create and delete its own through operations."""

    selector = staticmethod(network_list)
    serializer_class = NetworkSerializer
    filterset_class = NetworkFilterSet
    ordering_fields = ["name", "status", "created_at"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = NetworkCreateForm(request.data, project_id=self.project_id)
        return start_from_api(request, **create_network(validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        network = self.get_object()
        if network.project_id != self.project_id:
            raise ValidationError({"detail": "This network belongs to another project."})
        return start_from_api(request, **delete_network(network))
