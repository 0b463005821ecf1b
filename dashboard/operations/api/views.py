from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from dashboard.operations.api.serializers import OperationSerializer
from dashboard.operations.filtersets import OperationFilterSet
from dashboard.operations.models import Operation
from dashboard.operations.selectors import operation_list
from dashboard.operations.views import visible_project


class OperationViewSet(viewsets.ReadOnlyModelViewSet[Operation]):
    """The project's operations (every project's for admins), newest first."""

    serializer_class = OperationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OperationFilterSet

    def get_queryset(self) -> QuerySet[Operation]:
        return operation_list(project_id=visible_project(self.request))
