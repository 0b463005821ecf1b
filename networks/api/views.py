"""The networking API: reads from the mirror; writes answer 202 with the Operation."""

from typing import Any

from django.db.models import QuerySet
from django.forms import Form
from django.urls import reverse
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.api.serializers import OperationSerializer
from dashboard.operations.models import Operation
from dashboard.operations.services import OperationRefused, operation_start
from networks import changes
from networks.api.serializers import FloatingIPSerializer, NetworkSerializer
from networks.forms import FloatingIPCreateForm, NetworkCreateForm
from networks.models import FloatingIP, Network
from networks.selectors import floating_ip_list, network_list


def accepted(operation: Operation) -> Response:
    """202 with the operation, and where to follow it."""
    location = reverse("operation-detail", kwargs={"pk": operation.pk})
    return Response(
        OperationSerializer(operation).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": location},
    )


def validated(form: Form) -> dict[str, Any]:
    """The form's cleaned data, or a 400 with its field errors (the same checks as the pages)."""
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    return dict(form.cleaned_data)


def start(request: Request, **kwargs: Any) -> Response:
    try:
        return accepted(operation_start(actor=request.keystone, **kwargs))
    except OperationRefused as exc:
        raise ValidationError({"detail": str(exc)}) from exc


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
        return start(request, **changes.create_network(validated(NetworkCreateForm(request.data))))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        network = self.get_object()
        if network.project_id != request.keystone.project_id:
            raise ValidationError({"detail": "This network belongs to another project."})
        return start(request, **changes.delete_network(network))


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
        data = validated(FloatingIPCreateForm(request.data))
        return start(request, **changes.allocate_floating_ip(data))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start(request, **changes.release_floating_ip(self.get_object()))
