"""Floating IP filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import FloatingIP, PortForwarding
from networks.selectors.floating_ips import floating_ip_list
from networks.selectors.networks import external_network_list


class FloatingIPFilterSet(ProjectFilterSet):
    search_fields = ("floating_ip_address", "fixed_ip_address", "id", "description")
    status = django_filters.ChoiceFilter(
        choices=[("ACTIVE", _("Active")), ("DOWN", _("Down")), ("ERROR", _("Error"))],
        empty_label=_("Any status"),
        label=_("Status"),
    )
    associated = django_filters.BooleanFilter(
        field_name="port", lookup_expr="isnull", exclude=True, label=_("Associated")
    )
    # Related choices are always scoped: the external networks the project sees.
    floating_network = ProjectChoiceFilter(
        selector=external_network_list,
        label=_("External network"),
        empty_label=_("Any external network"),
    )

    class Meta:
        model = FloatingIP
        fields = ["q", "status", "associated", "floating_network"]


class PortForwardingFilterSet(ProjectFilterSet):
    search_fields = ("internal_ip_address", "id", "description")
    protocol = django_filters.ChoiceFilter(
        choices=[("tcp", "TCP"), ("udp", "UDP")], empty_label=_("Any protocol"), label=_("Protocol")
    )
    # Scoped: only the project's own floating IPs are choices.
    floating_ip = ProjectChoiceFilter(
        selector=floating_ip_list,
        label=_("Floating IP"),
        empty_label=_("Any floating IP"),
    )

    class Meta:
        model = PortForwarding
        fields = ["q", "protocol", "floating_ip"]
