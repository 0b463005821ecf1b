"""Reads of the security groups mirror, scoped to a project."""

from django.db.models import Count, QuerySet

from networks.models import Port, SecurityGroup, SecurityGroupRule
from networks.selectors.access import own_server_name, visible_ports


def security_group_list(*, project_id: str) -> QuerySet[SecurityGroup]:
    """The project's own security groups with their rule count, by name."""
    return (
        SecurityGroup.objects.filter(project_id=project_id)
        .annotate(rule_count=Count("rules"))
        .order_by("name", "id")
    )


def security_group_get(*, project_id: str, pk: str) -> SecurityGroup | None:
    """One of the project's security groups, else None."""
    return security_group_list(project_id=project_id).filter(pk=pk).first()


def security_group_rule_list(
    *, project_id: str, security_group_id: str | None = None
) -> QuerySet[SecurityGroupRule]:
    """Rules of the project's groups (of one group when given), with their groups."""
    rules = SecurityGroupRule.objects.filter(security_group__project_id=project_id)
    if security_group_id is not None:
        rules = rules.filter(security_group_id=security_group_id)
    return rules.select_related("security_group", "remote_group").order_by(
        "direction", "ethertype", "protocol", "port_range_min", "remote_ip_prefix", "id"
    )


def security_group_rule_get(*, project_id: str, pk: str) -> SecurityGroupRule | None:
    """A rule of one of the project's groups, else None."""
    return security_group_rule_list(project_id=project_id).filter(pk=pk).first()


def _using(security_group_id: str) -> QuerySet[Port]:
    # A JSON text search: a group id (a UUID) cannot match anything but itself, and `contains`
    # on a JSON list has no SQLite implementation.
    return Port.objects.filter(security_group_ids__icontains=security_group_id)


def security_group_ports(*, project_id: str, security_group_id: str) -> QuerySet[Port]:
    """The ports using the group that the project sees (its own; any on its own networks), by
    name, with `server_name`: the project's instance each serves (null for anything else)."""
    return (
        _using(security_group_id)
        .filter(visible_ports(project_id=project_id))
        .annotate(server_name=own_server_name(project_id=project_id))
        .order_by("name", "id")
    )


def security_group_used_unseen(*, project_id: str, security_group_id: str) -> bool:
    """Whether ports the project does not see use the group (one shared with other projects):
    Neutron still refuses to delete it, though the project may not know whose they are."""
    return _using(security_group_id).exclude(visible_ports(project_id=project_id)).exists()
