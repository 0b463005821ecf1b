"""Security group and rule filters."""

import django_filters

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import security_group_list


class SecurityGroupFilterSet(ProjectFilterSet):
    stateful = django_filters.BooleanFilter(label="Stateful")

    class Meta:
        model = SecurityGroup
        fields = ["q", "stateful"]


class SecurityGroupRuleFilterSet(ProjectFilterSet):
    search_fields = ("id", "description", "protocol", "remote_ip_prefix")
    # Related choices are always scoped: the session's project's groups only.
    security_group = ProjectChoiceFilter(
        selector=security_group_list, label="Security group", empty_label="Any security group"
    )
    direction = django_filters.ChoiceFilter(
        choices=[("ingress", "Ingress"), ("egress", "Egress")],
        empty_label="Any direction",
        label="Direction",
    )
    ethertype = django_filters.ChoiceFilter(
        choices=[("IPv4", "IPv4"), ("IPv6", "IPv6")], empty_label="Any ethertype", label="Ethertype"
    )

    class Meta:
        model = SecurityGroupRule
        fields = ["q", "security_group", "direction", "ethertype"]
