"""The floating IPs table."""

import django_tables2 as tables

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.models import FloatingIP


class FloatingIPTable(ProjectTable):
    pk = SelectColumn()
    floating_ip_address = tables.Column(verbose_name="Address")
    floating_network = tables.Column(
        accessor="floating_network__name", verbose_name="External network", default="—"
    )
    fixed_ip_address = tables.Column(verbose_name="Mapped to", default="Not associated")
    status = StatusColumn()
    description = tables.Column()
    actions = ActionsColumn(
        [
            RowAction(
                "Release",
                "networks:floating_ip_delete",
                confirm="Release floating IP {obj}?",
                danger=True,
            )
        ]
    )

    class Meta(ProjectTable.Meta):
        model = FloatingIP
        fields = (
            "pk",
            "floating_ip_address",
            "floating_network",
            "fixed_ip_address",
            "status",
            "description",
        )
        empty_text = "No floating IPs yet. Allocate one."
