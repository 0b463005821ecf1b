"""Network filters."""

import django_filters

from dashboard.web.filtersets import ProjectFilterSet
from networks.models import Network


class NetworkFilterSet(ProjectFilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("ACTIVE", "Active"), ("DOWN", "Down"), ("BUILD", "Build"), ("ERROR", "Error")],
        empty_label="Any status",
        label="Status",
    )
    shared = django_filters.BooleanFilter(label="Shared")
    router_external = django_filters.BooleanFilter(label="External")

    class Meta:
        model = Network
        fields = ["q", "status", "shared", "router_external"]
