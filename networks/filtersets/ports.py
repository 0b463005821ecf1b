"""Port filters."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import Port
from networks.selectors.ports import port_network_choices


class PortFilterSet(ProjectFilterSet):
    search_fields = ("name", "id", "description", "mac_address", "fixed_ips", "device_id")
    status = django_filters.ChoiceFilter(
        choices=[
            ("ACTIVE", _("Active")),
            ("DOWN", _("Down")),
            ("BUILD", _("Build")),
            ("ERROR", _("Error")),
        ],
        empty_label=_("Any status"),
        label=_("Status"),
    )
    used_by = django_filters.ChoiceFilter(
        method="filter_used_by",
        label=_("Used by"),
        empty_label=_("Any use"),
        choices=[
            ("instance", _("Instances")),
            ("router", _("Routers")),
            ("network", _("Neutron (DHCP, floating IPs)")),
            ("none", _("Nothing")),
        ],
    )
    # Related choices are always scoped: the project's own and shared networks.
    network = ProjectChoiceFilter(
        selector=port_network_choices, label=_("Network"), empty_label=_("Any network")
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
