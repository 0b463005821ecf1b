"""The security groups table, and the rules table of a group's page."""

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn
from networks.forms.security_groups import default_group_refusal
from networks.models import SecurityGroup, SecurityGroupRule
from networks.security_group_rules import (
    direction_label,
    port_range_label,
    protocol_label,
    remote_label,
    rule_attributes,
)


class SecurityGroupTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        verbose_name=_("Name"),
        order_by=("name", "id"),
        linkify=("networks:security_group_detail", {"pk": tables.A("pk")}),
    )
    description = tables.Column(verbose_name=_("Description"))
    rule_count = tables.Column(verbose_name=_("Rules"))
    stateful = tables.BooleanColumn(verbose_name=_("Stateful"))
    actions = ActionsColumn(
        [
            RowAction(_("Edit"), "edit", post=False),
            RowAction(
                _("Delete"),
                "delete",
                confirm=_("Delete security group {obj} and its rules?"),
                danger=True,
                refusal=default_group_refusal,
            ),
        ]
    )

    class Meta(ProjectTable.Meta):
        model = SecurityGroup
        fields = ("pk", "name", "description", "rule_count", "stateful")
        empty_text = _("No security groups yet. Create one.")


class SecurityGroupRuleTable(ProjectTable):
    """The rules of one group, all on one page (a group holds a few dozen at most)."""

    pk = SelectColumn()
    direction = tables.Column(verbose_name=_("Direction"))
    ethertype = tables.Column(verbose_name=_("Ethertype"))
    protocol = tables.Column(verbose_name=_("Protocol"), empty_values=())
    port_range = tables.Column(empty_values=(), verbose_name=_("Port range"))
    remote = tables.Column(empty_values=(), verbose_name=_("Remote"))
    description = tables.Column(verbose_name=_("Description"))
    actions = ActionsColumn(
        [
            RowAction(_("Edit"), "edit", post=False),
            RowAction(
                _("Delete"),
                "delete",
                confirm=_("Delete this rule?"),
                danger=True,
            ),
        ]
    )

    def render_direction(self, value: str) -> str:
        return direction_label(value)

    def render_protocol(self, record: SecurityGroupRule) -> str:
        return str(protocol_label(record.protocol))

    def render_port_range(self, record: SecurityGroupRule) -> str:
        return str(port_range_label(rule_attributes(record)) or gettext("any"))

    def render_remote(self, record: SecurityGroupRule) -> str:
        group: Any = record.remote_group
        # A remote group of another project (set by an admin) is named by its id only.
        name = group.name_or_id if group is not None and group.project_id == self.project_id else ""
        return str(remote_label(rule_attributes(record), name))

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
        empty_text = _("No rules: this group lets no traffic through. Add one.")
