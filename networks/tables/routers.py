"""The routers table."""

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.models import Router


class RouterTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        verbose_name=_("Name"),
        order_by=("name", "id"),
        linkify=("networks:router_detail", {"pk": tables.A("pk")}),
    )
    status = StatusColumn(verbose_name=_("Status"))
    external_network = tables.Column(
        accessor="external_network__name", verbose_name=_("External network"), default="—"
    )
    enable_snat = tables.BooleanColumn(verbose_name=_("SNAT"), null=True, default="—")
    interface_count = tables.Column(verbose_name=_("Interfaces"))
    route_count = tables.Column(
        accessor="routes", verbose_name=_("Static routes"), orderable=False, empty_values=()
    )
    actions = ActionsColumn(
        [
            RowAction(_("Delete"), "delete", confirm=_("Delete router {obj}?"), danger=True),
        ]
    )

    def render_route_count(self, value: Any) -> int:
        return len(value or [])

    class Meta(ProjectTable.Meta):
        model = Router
        fields = (
            "pk",
            "name",
            "status",
            "external_network",
            "enable_snat",
            "interface_count",
            "route_count",
        )
        empty_text = _("No routers yet. Create one.")
