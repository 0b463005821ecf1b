"""Security group and rule filters."""

from typing import Any

import django_filters
from django.http import HttpRequest

from dashboard.web.filtersets import ProjectFilterSet
from dashboard.web.generic import session_project_id
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import security_group_list


class SecurityGroupFilterSet(ProjectFilterSet):
    stateful = django_filters.BooleanFilter(label="Stateful")

    class Meta:
        model = SecurityGroup
        fields = ["q", "stateful"]


def own_groups(request: HttpRequest) -> Any:
    """Related choices are always scoped: the session's project's groups only."""
    return security_group_list(project_id=session_project_id(request))


class SecurityGroupRuleFilterSet(ProjectFilterSet):
    search_fields = ("id", "description", "protocol", "remote_ip_prefix")
    security_group = django_filters.ModelChoiceFilter(
        queryset=own_groups, label="Security group", empty_label="Any security group"
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
