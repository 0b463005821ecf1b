"""Server filters: name (quick search), status, IP address, image and flavor."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from instances.lifecycle import STATUS_LABELS
from instances.models import Server
from instances.selectors.servers import launch_flavor_list, launch_image_list
from networks.models import FloatingIP

# The statuses people filter by: Nova's raw value, shown with its label.
STATUSES = [
    (status, STATUS_LABELS[status])
    for status in (
        "ACTIVE",
        "BUILD",
        "ERROR",
        "SHUTOFF",
        "PAUSED",
        "SUSPENDED",
        "SHELVED_OFFLOADED",
        "RESCUE",
        "RESIZE",
        "VERIFY_RESIZE",
        "REBOOT",
        "HARD_REBOOT",
    )
]


class ServerFilterSet(ProjectFilterSet):
    search_fields = ("name", "id")
    status = django_filters.ChoiceFilter(
        choices=STATUSES, empty_label=_("Any status"), label=_("Status")
    )
    ip = django_filters.CharFilter(
        method="filter_ip",
        label=_("IP address"),
        help_text=_("A fixed or floating address, or its beginning."),
    )
    # Related choices are scoped to what the session's project may see.
    image = ProjectChoiceFilter(
        selector=launch_image_list, empty_label=_("Any image"), label=_("Image")
    )
    flavor = ProjectChoiceFilter(
        selector=launch_flavor_list,
        method="filter_flavor",
        empty_label=_("Any flavor"),
        label=_("Flavor"),
    )

    class Meta:
        model = Server
        fields = ["q", "status", "ip", "image", "flavor"]

    def filter_ip(self, queryset: QuerySet[Server], name: str, value: str) -> QuerySet[Server]:
        """Servers with a fixed address (Nova's `addresses`) or a floating IP starting so."""
        value = value.strip()
        if not value:
            return queryset
        with_floating_ip = FloatingIP.objects.filter(floating_ip_address__startswith=value).values(
            "port__device_id"
        )
        return queryset.filter(
            Q(addresses__icontains=f'"addr": "{value}') | Q(id__in=with_floating_ip)
        )

    def filter_flavor(self, queryset: QuerySet[Server], name: str, value: Any) -> QuerySet[Server]:
        """Servers built with this flavor (Nova keeps its name in the server)."""
        return queryset.filter(flavor_name=value.name) if value else queryset
