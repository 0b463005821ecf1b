"""Router filters."""

import django_filters

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import Router
from networks.selectors.networks import external_network_list


class RouterFilterSet(ProjectFilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("ACTIVE", "Active"), ("DOWN", "Down"), ("BUILD", "Build"), ("ERROR", "Error")],
        empty_label="Any status",
        label="Status",
    )
    has_gateway = django_filters.BooleanFilter(
        field_name="external_network", lookup_expr="isnull", exclude=True, label="Has a gateway"
    )
    # Related choices are always scoped: the external networks the project sees.
    external_network = ProjectChoiceFilter(
        selector=external_network_list,
        label="External network",
        empty_label="Any external network",
    )
    enable_snat = django_filters.BooleanFilter(label="SNAT")

    class Meta:
        model = Router
        fields = ["q", "status", "has_gateway", "external_network", "enable_snat"]
