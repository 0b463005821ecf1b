"""The security groups table, and the rules table of a group's page."""

from typing import Any

import django_tables2 as tables

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn
from networks.forms.security_groups import default_group_refusal
from networks.models import SecurityGroup, SecurityGroupRule
from networks.security_group_rules import (
    port_range_label,
    protocol_label,
    remote_label,
    rule_attributes,
)


class SecurityGroupTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        order_by=("name", "id"),
        linkify=("networks:security_group_detail", {"pk": tables.A("pk")}),
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
                refusal=default_group_refusal,
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
