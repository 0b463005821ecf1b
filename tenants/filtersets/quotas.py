"""The administrators' quota table filters (shared by the page and the API)."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectFilterSet
from tenants.models import Project
from tenants.resources import WARNING_PERCENT


class ProjectQuotaFilterSet(ProjectFilterSet):
    """`q` finds projects by name or id; `near_limit` keeps those with a main resource at or
    above WARNING_PERCENT of its limit."""

    near_limit = django_filters.BooleanFilter(
        method="filter_near_limit",
        label=format_lazy(_("Near limit (≥ {percent} %)"), percent=WARNING_PERCENT),
    )
    search_fields = ("project_name", "project_id")

    def filter_near_limit(
        self, queryset: QuerySet[Any], name: str, value: bool | None
    ) -> QuerySet[Any]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(highest_use__gte=WARNING_PERCENT)
        return queryset.filter(highest_use__lt=WARNING_PERCENT)

    class Meta:
        model = Project
        fields = ["q", "near_limit"]
