"""Subnet filters."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import Network, Subnet, SubnetPool
from networks.selectors.networks import subnet_network_list


def own_networks(*, project_id: str) -> QuerySet[Network]:
    """The networks a subnet list may be filtered by: the project's own (its subnets are)."""
    return subnet_network_list(project_id=project_id, include_shared=False)


class SubnetFilterSet(ProjectFilterSet):
    search_fields = ("name", "id", "description", "cidr", "gateway_ip")
    ip_version = django_filters.ChoiceFilter(
        choices=[(4, "IPv4"), (6, "IPv6")], empty_label=_("Any IP version"), label=_("IP version")
    )
    network = ProjectChoiceFilter(
        selector=own_networks, label=_("Network"), empty_label=_("Any network")
    )
    enable_dhcp = django_filters.BooleanFilter(label=_("DHCP"))

    class Meta:
        model = Subnet
        fields = ["q", "network", "ip_version", "enable_dhcp"]


class SubnetPoolFilterSet(ProjectFilterSet):
    ip_version = django_filters.ChoiceFilter(
        choices=[(4, "IPv4"), (6, "IPv6")], empty_label=_("Any IP version"), label=_("IP version")
    )
    # Neutron's `shared` as the project reads it (see `subnet_pool_list`).
    shared = django_filters.BooleanFilter(field_name="shared_with_project", label=_("Shared"))

    class Meta:
        model = SubnetPool
        fields = ["q", "ip_version", "shared"]
