"""The floating IPs table, and the port forwardings table of a floating IP's page."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn, StatusColumn
from networks.forms.floating_ips import forwarding_count, release_refusal
from networks.models import FloatingIP, PortForwarding


def release_refused(record: FloatingIP) -> str:
    """Why the floating IP cannot be released now ("" when it can)."""
    count = forwarding_count(record)
    return release_refusal(record, count) if count else ""


def mapped_to(record: Any) -> str:
    """The floating IP's target, as users name it: the instance's or port's name and address,
    or how many port forwardings it has ("" when neither)."""
    if not record.port_id:
        count = getattr(record, "port_forwarding_count", 0)
        return f"Port forwardings ({count})" if count else ""
    server = getattr(record, "server_name", None)
    port = record.port.name_or_id if record.port else record.port_id
    owner = f"instance “{server}”" if server else f"port “{port}”"
    return f"{record.fixed_ip_address} ({owner})"


class FloatingIPTable(ProjectTable):
    pk = SelectColumn()
    floating_ip_address = tables.Column(
        verbose_name="Address",
        linkify=lambda record: reverse("networks:floating_ip_detail", kwargs={"pk": record.pk}),
    )
    floating_network = tables.Column(
        accessor="floating_network__name", verbose_name="External network", default="—"
    )
    fixed_ip_address = tables.Column(verbose_name="Mapped to", empty_values=())
    status = StatusColumn()
    description = tables.Column()
    actions = ActionsColumn(
        [
            RowAction("Associate", "associate", post=False),
            RowAction(
                "Disassociate",
                "disassociate",
                confirm="Disassociate floating IP {obj}?",
            ),
            RowAction(
                "Release",
                "delete",
                confirm="Release floating IP {obj}?",
                danger=True,
                refusal=release_refused,
            ),
        ]
    )

    def render_fixed_ip_address(self, record: FloatingIP) -> str:
        return mapped_to(record) or "Not associated"

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


class PortForwardingTable(ProjectTable):
    protocol = tables.Column(orderable=False)
    external = tables.Column(empty_values=(), orderable=False, verbose_name="External port")
    internal = tables.Column(empty_values=(), orderable=False, verbose_name="Forwarded to")
    description = tables.Column(orderable=False)
    actions = ActionsColumn(
        [
            RowAction(
                "Delete",
                "delete",
                confirm="Delete this port forwarding?",
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
        return f"{record.internal_ip_address}:{number} (port “{port}”)"

    class Meta(ProjectTable.Meta):
        model = PortForwarding
        fields = ("protocol", "external", "internal", "description")
        empty_text = "No port forwardings."
        row_attrs = {"id": lambda record: f"portforwarding-{record.pk}"}
