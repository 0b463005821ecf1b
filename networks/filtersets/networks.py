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
    # Neutron's `shared` as the project reads it (see `network_list`).
    shared = django_filters.BooleanFilter(field_name="shared_with_project", label="Shared")
    router_external = django_filters.BooleanFilter(label="External")

    class Meta:
        model = Network
        fields = ["q", "status", "shared", "router_external"]
