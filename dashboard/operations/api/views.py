from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from dashboard.operations.api.serializers import OperationSerializer
from dashboard.operations.filtersets import OperationFilterSet
from dashboard.operations.models import Operation
from dashboard.operations.selectors import operation_list
from dashboard.operations.views import visible_project
from dashboard.web.api import Pagination


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
