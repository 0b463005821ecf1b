"""The networks table."""

import django_tables2 as tables
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.models import Network


class NetworkTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        verbose_name=_("Name"),
        order_by=("name", "id"),
        linkify=("networks:network_detail", {"pk": tables.A("pk")}),
    )
    subnet_count = tables.Column(verbose_name=_("Subnets"))
    status = StatusColumn(verbose_name=_("Status"))
    shared = tables.BooleanColumn(accessor="shared_with_project", verbose_name=_("Shared"))
    router_external = tables.BooleanColumn(verbose_name=_("External"))
    owner = tables.Column(empty_values=(), orderable=False, verbose_name=_("Owner"))
    actions = ActionsColumn(
        [
            RowAction(_("Edit"), "edit", post=False),
            RowAction(
                _("Delete"),
                "delete",
                confirm=_("Delete network {obj}?"),
                danger=True,
            ),
        ]
    )

    def render_owner(self, record: Network) -> str:
        if record.project_id == self.project_id:
            return gettext("This project")
        return gettext("Another project")

    class Meta(ProjectTable.Meta):
        model = Network
        fields = ("pk", "name", "subnet_count", "status", "shared", "router_external", "owner")
        empty_text = _("No networks yet. Create one.")
