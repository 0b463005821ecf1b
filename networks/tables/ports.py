"""The ports table."""

from typing import Any

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.web.html import format_html, join_html
from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.models import Port
from networks.selectors.ports import device_owner_label, port_delete_refusal


def url_if_routed(name: str, pk: str) -> str:
    """The object's page, or "" while that page does not exist yet (e.g. a router's detail)."""
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def attachment(port: Any) -> tuple[str, str]:
    """What the port is attached to, as (label, link or "")."""
    if getattr(port, "server_name", None):
        return gettext("Instance “%(name)s”") % {"name": port.server_name}, url_if_routed(
            "instances:server_detail", port.device_id
        )
    if getattr(port, "router_name", None) is not None:
        return gettext("Router “%(name)s”") % {
            "name": port.router_name or port.device_id
        }, url_if_routed("networks:router_detail", port.device_id)
    return (port.device_id, "") if port.device_id else ("", "")


class PortTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        verbose_name=_("Name"),
        order_by=("name", "id"),
        linkify=("networks:port_detail", {"pk": tables.A("pk")}),
    )
    network = tables.Column(accessor="network__name", verbose_name=_("Network"), default="—")
    fixed_ips = tables.Column(verbose_name=_("Fixed IPs"), orderable=False)
    mac_address = tables.Column(verbose_name=_("MAC"))
    device_owner = tables.Column(verbose_name=_("Used by"))
    attached = tables.Column(empty_values=(), orderable=False, verbose_name=_("Attached to"))
    status = StatusColumn(verbose_name=_("Status"))
    actions = ActionsColumn(
        [
            RowAction(_("Edit"), "update", post=False),
            RowAction(
                _("Delete"),
                "delete",
                confirm=_("Delete port {obj}?"),
                danger=True,
                refusal=lambda port: port_delete_refusal(port=port),
            ),
        ]
    )

    def render_fixed_ips(self, value: list[dict[str, str]]) -> str:
        return join_html(", ", (fixed["ip_address"] for fixed in value))

    def render_device_owner(self, value: str) -> str:
        return device_owner_label(value)

    def render_attached(self, record: Port) -> str:
        label, url = attachment(record)
        return format_html('<a href="{}">{}</a>', url, label) if url else label or "—"

    class Meta(ProjectTable.Meta):
        model = Port
        fields = (
            "pk",
            "name",
            "network",
            "fixed_ips",
            "mac_address",
            "device_owner",
            "attached",
            "status",
        )
        empty_text = _("No ports yet. Create one.")
