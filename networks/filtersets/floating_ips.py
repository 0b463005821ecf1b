"""Floating IP filters."""

import django_filters

from dashboard.web.filtersets import ProjectFilterSet
from networks.models import FloatingIP
from networks.selectors.networks import external_network_list


class FloatingIPFilterSet(ProjectFilterSet):
    search_fields = ("floating_ip_address", "fixed_ip_address", "id", "description")
    status = django_filters.ChoiceFilter(
        choices=[("ACTIVE", "Active"), ("DOWN", "Down"), ("ERROR", "Error")],
        empty_label="Any status",
    )
    associated = django_filters.BooleanFilter(
        field_name="port", lookup_expr="isnull", exclude=True, label="Associated"
    )
    # Related choices are always scoped: external networks are visible to every project.
    floating_network = django_filters.ModelChoiceFilter(
        queryset=lambda request: external_network_list(), label="External network"
    )

    class Meta:
        model = FloatingIP
        fields = ["q", "status", "associated", "floating_network"]
