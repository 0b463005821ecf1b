"""The networks table."""

import django_tables2 as tables

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.models import Network


class NetworkTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        order_by=("name", "id"),
        linkify=("networks:network_detail", {"pk": tables.A("pk")}),
    )
    subnet_count = tables.Column(verbose_name="Subnets")
    status = StatusColumn()
    shared = tables.BooleanColumn(accessor="shared_with_project", verbose_name="Shared")
    router_external = tables.BooleanColumn(verbose_name="External")
    owner = tables.Column(empty_values=(), orderable=False, verbose_name="Owner")
    actions = ActionsColumn(
        [
            RowAction("Edit", "edit", post=False),
            RowAction(
                "Delete",
                "delete",
                confirm="Delete network {obj}?",
                danger=True,
            ),
        ]
    )

    def render_owner(self, record: Network) -> str:
        return "This project" if record.project_id == self.project_id else "Another project"

    class Meta(ProjectTable.Meta):
        model = Network
        fields = ("pk", "name", "subnet_count", "status", "shared", "router_external", "owner")
        empty_text = "No networks yet. Create one."
