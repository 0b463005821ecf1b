"""Security group and rule filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import security_group_list


class SecurityGroupFilterSet(ProjectFilterSet):
    stateful = django_filters.BooleanFilter(label=_("Stateful"))

    class Meta:
        model = SecurityGroup
        fields = ["q", "stateful"]


class SecurityGroupRuleFilterSet(ProjectFilterSet):
    search_fields = ("id", "description", "protocol", "remote_ip_prefix")
    # Related choices are always scoped: the session's project's groups only.
    security_group = ProjectChoiceFilter(
        selector=security_group_list, label=_("Security group"), empty_label=_("Any security group")
    )
    direction = django_filters.ChoiceFilter(
        choices=[("ingress", _("Ingress")), ("egress", _("Egress"))],
        empty_label=_("Any direction"),
        label=_("Direction"),
    )
    ethertype = django_filters.ChoiceFilter(
        choices=[("IPv4", "IPv4"), ("IPv6", "IPv6")],
        empty_label=_("Any ethertype"),
        label=_("Ethertype"),
    )

    class Meta:
        model = SecurityGroupRule
        fields = ["q", "security_group", "direction", "ethertype"]
