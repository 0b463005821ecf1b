"""The networking API: reads from the mirror; writes answer 202 with the Operation."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.api.views import start_from_api, validated_form
from networks import changes
from networks.api.serializers import FloatingIPSerializer, NetworkSerializer
from networks.forms import FloatingIPCreateForm, NetworkCreateForm
from networks.models import FloatingIP, Network
from networks.selectors import floating_ip_list, network_list


class NetworkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Network],
):
    """Networks the project sees; create and delete its own through operations."""

    serializer_class = NetworkSerializer

    def get_queryset(self) -> QuerySet[Network]:
        return network_list(project_id=self.request.keystone.project_id)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_from_api(
            request, **changes.create_network(validated_form(NetworkCreateForm(request.data)))
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        network = self.get_object()
        if network.project_id != request.keystone.project_id:
            raise ValidationError({"detail": "This network belongs to another project."})
        return start_from_api(request, **changes.delete_network(network))


class FloatingIPViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[FloatingIP],
):
    """The project's floating IPs; allocate and release through operations."""

    serializer_class = FloatingIPSerializer

    def get_queryset(self) -> QuerySet[FloatingIP]:
        return floating_ip_list(project_id=self.request.keystone.project_id)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated_form(FloatingIPCreateForm(request.data))
        return start_from_api(request, **changes.allocate_floating_ip(data))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_from_api(request, **changes.release_floating_ip(self.get_object()))
