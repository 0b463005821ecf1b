"""The servers table. Rows of servers Nova is still working on reload themselves from the
mirror every 2 s (`hx-trigger="load delay:2s"` on the row) until they settle."""

from collections.abc import Callable
from datetime import datetime
from functools import cache, cached_property
from typing import Any

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dashboard.web.html import format_html, join_html
from dashboard.web.tables import STATUS_COLOURS, ProjectTable, SelectColumn
from dashboard.web.templatetags.clock import when
from instances.lifecycle import STATUS_LABELS, TASK_LABELS, status_label, task_words
from instances.models import Server
from instances.reconcile import server_is_transitional
from instances.selectors.servers import server_floating_ips
from instances.templatetags.server_actions import server_actions_html
from tenants.lifetimes import NO_REMOVALS, PageRemovals, page_removals
from tenants.templatetags.lifetimes import removal_badge

ROW_RELOAD_DELAY = "2s"
# Nova's power states (`OS-EXT-STS:power_state`).
POWER_STATES = {
    0: pgettext_lazy("power state", "No state"),
    1: pgettext_lazy("power state", "Running"),
    3: pgettext_lazy("power state", "Paused"),
    4: pgettext_lazy("power state", "Shut down"),
    6: pgettext_lazy("power state", "Crashed"),
    7: pgettext_lazy("power state", "Suspended"),
}


@cache
def _state_labels(language: str | None) -> dict[str, dict[Any, str]]:
    """The status, task and power state labels in `language`, translated once, not per row."""
    return {
        "status": {status: str(label) for status, label in STATUS_LABELS.items()},
        "task": {task: gettext(msgid) for task, msgid in TASK_LABELS.items()},
        "power": {state: str(label) for state, label in POWER_STATES.items()},
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
    """The status badge, the task under way (with a spinner) and the power state, in the
    active language."""
    labels = _state_labels(get_language())
    badge = format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_COLOURS.get(server.status, "secondary"),
        labels["status"].get(server.status) or status_label(server.status),
    )
    task = (
        format_html(
            ' <span class="small text-body-secondary"><span class="spinner-border '
            'spinner-border-sm" aria-hidden="true"></span> {}</span>',
            labels["task"].get(server.task_state) or str(task_words(server.task_state)),
        )
        if server.task_state
        else ""
    )
    power = labels["power"].get(server.power_state) if server.power_state is not None else None
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
        '{} <span class="badge text-bg-light border" title="{}">{}</span>',
        address,
        gettext("Floating IP"),
        ", ".join(floating_ips),
    )


def render_addresses(server: Server, floating_ips: dict[str, list[str]]) -> SafeString:
    """Fixed addresses per network, each followed by the floating IPs mapped to it."""
    return join_html(
        "",
        (
            format_html(
                '<div><span class="text-body-secondary"><bdi>{}</bdi>:</span> {}</div>',
                network,
                join_html(
                    ", ",
                    (
                        _with_floating_ips(entry["addr"], floating_ips.get(entry["addr"], []))
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
        verbose_name=_("Name"),
        accessor="name_or_id",
        order_by=("name", "id"),
        linkify=("instances:server_detail", {"pk": tables.A("pk")}),
    )
    status = ServerStatusColumn(verbose_name=_("Status"), order_by=("status", "task_state"))
    addresses = tables.Column(verbose_name=_("Addresses"), orderable=False, empty_values=())
    flavor_name = tables.Column(verbose_name=_("Flavor"))
    image = tables.Column(
        accessor="image_id", verbose_name=_("Image"), order_by=("image__name",), empty_values=()
    )
    key_name = tables.Column(verbose_name=_("Key pair"), default="—")
    security_groups = tables.Column(verbose_name=_("Security groups"), orderable=False)
    created_at = tables.Column(verbose_name=_("Created"))
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

    @cached_property
    def removals(self) -> PageRemovals:
        """When the try-out cloud's clean-up deletes the project's servers, read once a page."""
        return page_removals(self.request) if self.request is not None else NO_REMOVALS

    def render_status(self, record: Server) -> SafeString:
        badge = removal_badge(self.removals.removal_at("server", record.pk))
        return format_html("{}{}", render_status(record), badge)

    def render_addresses(self, record: Server) -> SafeString:
        return render_addresses(record, self.floating_ips.get(record.pk, {}))

    def render_image(self, record: Server) -> str:
        if record.image is not None:
            return record.image.name_or_id
        return record.image_id or gettext("Booted from a volume")

    def render_security_groups(self, value: list[str]) -> str:
        return ", ".join(value) or "—"

    def render_created_at(self, value: datetime) -> SafeString | str:
        return when(value, "SHORT_DATETIME_FORMAT")

    def render_actions(self, record: Server) -> SafeString:
        return server_actions_html(record, self.permitted(record), self.csrf_token)

    @cached_property
    def csrf_token(self) -> str:
        return get_token(self.request) if self.request is not None else ""

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
        empty_text = _("No instances yet. Launch one.")
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
