"""The base of every resource API: reads from the mirror of the session's project."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ProjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """List (paged, filtered with the page's filterset, `ordering=`) and retrieve.

    Subclasses set `selector` (a staticmethod taking `project_id`), `serializer_class`,
    `filterset_class` and `ordering_fields`, and add writes that start operations.
    """

    selector: Callable[..., QuerySet[Any]]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    pagination_class = Pagination

    @property
    def project_id(self) -> str:
        return str(self.request.keystone.project_id)  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(project_id=self.project_id)
