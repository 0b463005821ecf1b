"""Port filters."""

import django_filters
from django.db.models import QuerySet

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import Port
from networks.selectors.ports import port_network_choices


class PortFilterSet(ProjectFilterSet):
    search_fields = ("name", "id", "description", "mac_address", "fixed_ips", "device_id")
    status = django_filters.ChoiceFilter(
        choices=[("ACTIVE", "Active"), ("DOWN", "Down"), ("BUILD", "Build"), ("ERROR", "Error")],
        empty_label="Any status",
        label="Status",
    )
    used_by = django_filters.ChoiceFilter(
        method="filter_used_by",
        label="Used by",
        empty_label="Any use",
        choices=[
            ("instance", "Instances"),
            ("router", "Routers"),
            ("network", "Neutron (DHCP, floating IPs)"),
            ("none", "Nothing"),
        ],
    )
    # Related choices are always scoped: the project's own and shared networks.
    network = ProjectChoiceFilter(
        selector=port_network_choices, label="Network", empty_label="Any network"
    )

    def filter_used_by(self, queryset: QuerySet[Port], name: str, value: str) -> QuerySet[Port]:
        if value == "instance":
            return queryset.filter(device_owner__startswith="compute:")
        if value == "router":
            return queryset.filter(device_owner__startswith="network:router")
        if value == "network":
            return queryset.filter(device_owner__startswith="network:").exclude(
                device_owner__startswith="network:router"
            )
        return queryset.filter(device_owner="")

    class Meta:
        model = Port
        fields = ["q", "status", "used_by", "network"]
