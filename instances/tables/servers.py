"""The servers table. Rows of servers Nova is still working on reload themselves from the
mirror every 2 s (`hx-trigger="load delay:2s"` on the row) until they settle."""

from collections.abc import Callable
from functools import cached_property
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from dashboard.web.tables import STATUS_COLOURS, ProjectTable, SelectColumn
from instances.models import Server
from instances.reconcile import server_is_transitional
from instances.selectors.servers import server_floating_ips

ROW_RELOAD_DELAY = "2s"
# Nova's power states (`OS-EXT-STS:power_state`).
POWER_STATES = {
    0: "No state",
    1: "Running",
    3: "Paused",
    4: "Shut down",
    6: "Crashed",
    7: "Suspended",
}


def is_transitional(server: Server) -> bool:
    return server_is_transitional(status=server.status, task_state=server.task_state)


def _while_transitional(value: str | Callable[[Server], str]) -> Callable[[Server], str | None]:
    """A row attribute set only while Nova is working on the server (None leaves it out)."""

    def attribute(record: Server) -> str | None:
        if not is_transitional(record):
            return None
        return value(record) if callable(value) else value

    return attribute


def render_status(server: Server) -> SafeString:
    """The status badge, the task under way (with a spinner) and the power state."""
    badge = format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_COLOURS.get(server.status, "secondary"),
        server.status or "UNKNOWN",
    )
    task = (
        format_html(
            ' <span class="small text-body-secondary"><span class="spinner-border '
            'spinner-border-sm" aria-hidden="true"></span> {}</span>',
            server.task_state.replace("_", " "),
        )
        if server.task_state
        else ""
    )
    power = POWER_STATES.get(server.power_state) if server.power_state is not None else None
    fault = (
        format_html(
            '<div class="small text-danger text-truncate fault-message" title="{}">{}</div>',
            server.fault.get("message", ""),
            server.fault.get("message", ""),
        )
        if server.status == "ERROR" and server.fault
        else ""
    )
    return format_html(
        '{}{}<div class="small text-body-secondary">{}</div>{}', badge, task, power or "", fault
    )


def _with_floating_ips(address: str, floating_ips: list[str]) -> SafeString:
    if not floating_ips:
        return format_html("{}", address)
    return format_html(
        '{} <span class="badge text-bg-light border" title="Floating IP">{}</span>',
        address,
        ", ".join(floating_ips),
    )


def render_addresses(server: Server, floating_ips: dict[str, list[str]]) -> SafeString:
    """Fixed addresses per network, each followed by the floating IPs mapped to it."""
    return format_html_join(
        "",
        '<div><span class="text-body-secondary"><bdi>{}</bdi>:</span> {}</div>',
        (
            (
                network,
                format_html_join(
                    ", ",
                    "{}",
                    (
                        (_with_floating_ips(entry["addr"], floating_ips.get(entry["addr"], [])),)
                        for entry in entries
                        if entry.get("OS-EXT-IPS:type") != "floating"
                    ),
                ),
            )
            for network, entries in sorted(server.addresses.items())
        ),
    )


class ServerStatusColumn(tables.Column):
    def render(self, record: Server) -> SafeString:
        return render_status(record)


class ServerTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(
        accessor="name_or_id",
        order_by=("name", "id"),
        linkify=("instances:server_detail", {"pk": tables.A("pk")}),
    )
    status = ServerStatusColumn(order_by=("status", "task_state"))
    addresses = tables.Column(verbose_name="Addresses", orderable=False, empty_values=())
    flavor_name = tables.Column(verbose_name="Flavor")
    image = tables.Column(
        accessor="image_id", verbose_name="Image", order_by=("image__name",), empty_values=()
    )
    key_name = tables.Column(verbose_name="Key pair", default="—")
    security_groups = tables.Column(verbose_name="Security groups", orderable=False)
    created_at = tables.DateTimeColumn(verbose_name="Created", format="Y-m-d H:i")
    actions = tables.Column(
        verbose_name="",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap"}},
    )

    @cached_property
    def floating_ips(self) -> dict[str, dict[str, list[str]]]:
        """The floating IPs of the servers on this page, in one query."""
        server_ids = [row.record.pk for row in self.paginated_rows]
        return server_floating_ips(project_id=self.project_id, server_ids=server_ids)

    def render_addresses(self, record: Server) -> SafeString:
        return render_addresses(record, self.floating_ips.get(record.pk, {}))

    def render_image(self, record: Server) -> str:
        if record.image is not None:
            return record.image.name_or_id
        return str(record.image_id or "Booted from a volume")

    def render_security_groups(self, value: list[str]) -> str:
        return ", ".join(value) or "—"

    def render_actions(self, record: Server) -> str:
        context = {"server": record, "may": self.permitted(record)}
        return render_to_string("instances/includes/server_actions.html", context, self.request)

    class Meta(ProjectTable.Meta):
        model = Server
        fields = (
            "pk",
            "name",
            "status",
            "addresses",
            "flavor_name",
            "image",
            "key_name",
            "security_groups",
            "created_at",
            "actions",
        )
        sequence = fields
        empty_text = "No instances yet. Launch one."
        row_attrs: dict[str, Any] = {
            **ProjectTable.Meta.row_attrs,
            "data-status": lambda record: record.status,
            # Reload the row from the mirror while it is transitional; the table's wrapper
            # boosts links into #object-table, so the row names itself as the target.
            "hx-get": _while_transitional(
                lambda server: reverse("instances:server_row", kwargs={"pk": server.pk})
            ),
            "hx-trigger": _while_transitional(f"load delay:{ROW_RELOAD_DELAY}"),
            "hx-swap": _while_transitional("outerHTML"),
            "hx-target": _while_transitional("this"),
            "hx-push-url": _while_transitional("false"),
        }
