"""The security groups table, and the rules table of a group's page."""

from typing import Any

import django_tables2 as tables

from dashboard.policy import policy_allows
from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, owned
from networks.changes.security_groups import (
    port_range_label,
    protocol_label,
    remote_label,
    rule_attributes,
)
from networks.models import SecurityGroup, SecurityGroupRule


def policy_permits(request: Any, *rules: str, group: SecurityGroup | None = None) -> bool:
    """Whether Neutron's policy lets the session do all of `rules` (to `group`'s rules)."""
    keystone = getattr(request, "keystone", None)
    target = {"security_group:project_id": group.project_id} if group is not None else None
    return keystone is not None and all(
        policy_allows(keystone, "neutron", rule, target=target) for rule in rules
    )


def may_edit(record: SecurityGroup, table: ProjectTable) -> bool:
    return owned(record, table) and policy_permits(table.request, "update_security_group")


def may_delete(record: SecurityGroup, table: ProjectTable) -> bool:
    """Own groups but `default`, which Neutron keeps in every project, where policy allows."""
    return (
        owned(record, table)
        and record.name != "default"
        and policy_permits(table.request, "delete_security_group")
    )


def may_replace_rule(record: SecurityGroupRule, table: ProjectTable) -> bool:
    """A replacement creates a rule and deletes one."""
    return owned(record, table) and policy_permits(
        table.request,
        "create_security_group_rule",
        "delete_security_group_rule",
        group=record.security_group,
    )


def may_delete_rule(record: SecurityGroupRule, table: ProjectTable) -> bool:
    return owned(record, table) and policy_permits(
        table.request, "delete_security_group_rule", group=record.security_group
    )


class SecurityGroupTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        order_by=("name", "id"),
        linkify=("detail", {"pk": tables.A("pk")}),
    )
    description = tables.Column()
    rule_count = tables.Column(verbose_name="Rules")
    stateful = tables.BooleanColumn()
    actions = ActionsColumn(
        [
            RowAction("Edit", "edit", post=False),
            RowAction(
                "Delete",
                "delete",
                confirm="Delete security group {obj} and its rules?",
                danger=True,
            ),
        ]
    )

    class Meta(ProjectTable.Meta):
        model = SecurityGroup
        fields = ("pk", "name", "description", "rule_count", "stateful")
        empty_text = "No security groups yet. Create one."


class SecurityGroupRuleTable(ProjectTable):
    """The rules of one group, all on one page (a group holds a few dozen at most)."""

    pk = SelectColumn()
    direction = tables.Column()
    ethertype = tables.Column()
    protocol = tables.Column(empty_values=())
    port_range = tables.Column(empty_values=(), verbose_name="Port range")
    remote = tables.Column(empty_values=(), verbose_name="Remote")
    description = tables.Column()
    actions = ActionsColumn(
        [
            RowAction("Edit", "edit", post=False),
            RowAction(
                "Delete",
                "delete",
                confirm="Delete this rule?",
                danger=True,
            ),
        ]
    )

    def render_protocol(self, record: SecurityGroupRule) -> str:
        return protocol_label(record.protocol)

    def render_port_range(self, record: SecurityGroupRule) -> str:
        return port_range_label(rule_attributes(record)) or "any"

    def render_remote(self, record: SecurityGroupRule) -> str:
        group: Any = record.remote_group
        # A remote group of another project (set by an admin) is named by its id only.
        name = group.name_or_id if group is not None and group.project_id == self.project_id else ""
        return remote_label(rule_attributes(record), name)

    class Meta(ProjectTable.Meta):
        model = SecurityGroupRule
        fields = (
            "pk",
            "direction",
            "ethertype",
            "protocol",
            "port_range",
            "remote",
            "description",
        )
        orderable = False
        empty_text = "No rules: this group lets no traffic through. Add one."
