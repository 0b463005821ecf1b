"""The floating IPs table, and the port forwardings table of a floating IP's page."""

from functools import cached_property
from typing import Any

import django_tables2 as tables
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.web.html import format_html
from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.forms.floating_ips import forwarding_count, release_refusal
from networks.models import FloatingIP, PortForwarding
from tenants.lifetimes import NO_REMOVALS, PageRemovals, page_removals
from tenants.templatetags.lifetimes import removal_badge


def release_refused(record: FloatingIP) -> str:
    """Why the floating IP cannot be released now ("" when it can)."""
    count = forwarding_count(record)
    return release_refusal(record, count) if count else ""


def mapped_to(record: Any) -> str:
    """The floating IP's target, as users name it: the instance's or port's name and address,
    or how many port forwardings it has ("" when neither)."""
    if not record.port_id:
        count = getattr(record, "port_forwarding_count", 0)
        return gettext("Port forwardings (%(count)s)") % {"count": count} if count else ""
    server = getattr(record, "server_name", None)
    port = record.port.name_or_id if record.port else record.port_id
    if server:
        return gettext("%(address)s (instance “%(name)s”)") % {
            "address": record.fixed_ip_address,
            "name": server,
        }
    return gettext("%(address)s (port “%(name)s”)") % {
        "address": record.fixed_ip_address,
        "name": port,
    }


class FloatingIPTable(ProjectTable):
    pk = SelectColumn()
    floating_ip_address = tables.Column(
        verbose_name=_("Address"),
        linkify=("networks:floating_ip_detail", {"pk": tables.A("pk")}),
    )
    floating_network = tables.Column(
        accessor="floating_network__name", verbose_name=_("External network"), default="—"
    )
    fixed_ip_address = tables.Column(verbose_name=_("Mapped to"), empty_values=())
    status = StatusColumn(verbose_name=_("Status"))
    description = tables.Column(verbose_name=_("Description"))
    actions = ActionsColumn(
        [
            RowAction(_("Associate"), "associate", post=False),
            RowAction(
                _("Disassociate"),
                "disassociate",
                confirm=_("Disassociate floating IP {obj}?"),
            ),
            RowAction(
                _("Release"),
                "delete",
                confirm=_("Release floating IP {obj}?"),
                danger=True,
                refusal=release_refused,
            ),
        ]
    )

    def render_fixed_ip_address(self, record: FloatingIP) -> str:
        return mapped_to(record) or gettext("Not associated")

    @cached_property
    def removals(self) -> PageRemovals:
        """When the try-out cloud's clean-up releases the project's idle floating IPs, read
        once a page."""
        return page_removals(self.request) if self.request is not None else NO_REMOVALS

    def render_status(self, value: str, record: FloatingIP) -> SafeString:
        badge = removal_badge(self.removals.removal_at("floating_ip", record.pk))
        return format_html("{}{}", self.base_columns["status"].render(value), badge)

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
        empty_text = _("No floating IPs yet. Allocate one.")


class PortForwardingTable(ProjectTable):
    protocol = tables.Column(verbose_name=_("Protocol"), orderable=False)
    external = tables.Column(empty_values=(), orderable=False, verbose_name=_("External port"))
    internal = tables.Column(empty_values=(), orderable=False, verbose_name=_("Forwarded to"))
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    actions = ActionsColumn(
        [
            RowAction(
                _("Delete"),
                "delete",
                confirm=_("Delete this port forwarding?"),
                danger=True,
            )
        ]
    )

    def render_protocol(self, value: str) -> str:
        return value.upper()

    def render_external(self, record: PortForwarding) -> str:
        return str(record.external_port_number or record.external_port_range)

    def render_internal(self, record: PortForwarding) -> str:
        port = record.internal_port.name_or_id if record.internal_port else record.internal_port_id
        number = record.internal_port_number or record.internal_port_range
        return gettext("%(address)s:%(number)s (port “%(port)s”)") % {
            "address": record.internal_ip_address,
            "number": number,
            "port": port,
        }

    class Meta(ProjectTable.Meta):
        model = PortForwarding
        fields = ("protocol", "external", "internal", "description")
        empty_text = _("No port forwardings.")
        row_attrs = {"id": lambda record: f"portforwarding-{record.pk}"}
