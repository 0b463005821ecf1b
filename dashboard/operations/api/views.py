from typing import Any

from django.db.models import QuerySet
from django.forms import Form
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.api.serializers import OperationSerializer
from dashboard.operations.filtersets import OperationFilterSet
from dashboard.operations.models import Operation
from dashboard.operations.selectors import operation_list
from dashboard.operations.services import OperationRefused, operation_start
from dashboard.operations.views import visible_project
from dashboard.web.api import Pagination, body_errors


class OperationViewSet(viewsets.ReadOnlyModelViewSet[Operation]):
    """The project's operations (every project's for admins), newest first, paged."""

    serializer_class = OperationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OperationFilterSet
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Operation]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built without a session
            return Operation.objects.none()
        return operation_list(project_id=visible_project(self.request))


def accepted(operation: Operation) -> Response:
    """202 with the operation, and where to follow it."""
    location = reverse("operation-detail", kwargs={"pk": operation.pk})
    return Response(
        OperationSerializer(operation).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": location},
    )


def validated_form(form: Form) -> dict[str, Any]:
    """The form's cleaned data, or a 400 with its field errors (the same checks as the pages);
    first a 400 for fields the form does not have and values of the wrong type."""
    if errors := body_errors(form):
        raise ValidationError(errors)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    return dict(form.cleaned_data)


def start_from_api(request: Request, **operation: Any) -> Response:
    """Start an operation for an API write: 202 with it, or 400 saying why it was refused."""
    try:
        return accepted(operation_start(actor=request.keystone, **operation))  # type: ignore[attr-defined]
    except OperationRefused as exc:
        raise ValidationError({"detail": str(exc)}) from exc
