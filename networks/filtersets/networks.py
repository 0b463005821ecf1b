"""Network filters."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from dashboard.web.filtersets import ProjectFilterSet
from dashboard.web.generic import session_project_id
from networks.models import Network
from networks.selectors.networks import external_network_list


def external_networks(request: Any) -> QuerySet[Network]:
    """The external networks a list may be filtered by: those the project sees."""
    if request is None:
        return Network.objects.none()
    return external_network_list(project_id=session_project_id(request))


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
