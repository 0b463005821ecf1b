"""The subnets table."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn
from networks.models import Subnet


class SubnetTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        verbose_name=_("Name"),
        order_by=("name", "id"),
        linkify=("networks:subnet_detail", {"pk": tables.A("pk")}),
    )
    network = tables.Column(
        accessor="network__name",
        verbose_name=_("Network"),
        default="—",
        linkify=("networks:network_detail", {"pk": tables.A("network_id")}),
    )
    cidr = tables.Column(verbose_name=_("CIDR"))
    ip_version = tables.Column(verbose_name=_("IP version"))
    gateway_ip = tables.Column(verbose_name=_("Gateway"), default=_("No gateway"))
    enable_dhcp = tables.BooleanColumn(verbose_name=_("DHCP"))
    actions = ActionsColumn(
        [
            RowAction(_("Edit"), "edit", post=False),
            RowAction(
                _("Delete"),
                "delete",
                confirm=_("Delete subnet {obj}?"),
                danger=True,
            ),
        ]
    )

    class Meta(ProjectTable.Meta):
        model = Subnet
        fields = ("pk", "name", "network", "cidr", "ip_version", "gateway_ip", "enable_dhcp")
        empty_text = _("No subnets yet. Create one, or create a network with its first subnet.")
