"""Table pieces every list shares: the base table, status badges, row actions, row selection."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from dashboard.web.permissions import action_url_name, allowed_by_policy, permitted_actions
from dashboard.web.text import isolated_text

STATUS_COLOURS = {
    "ACTIVE": "success",
    "UP": "success",
    "DOWN": "secondary",
    "BUILD": "info",
    "PENDING_CREATE": "info",
    "PENDING_UPDATE": "info",
    "ERROR": "danger",
}
# Neutron's object statuses as people read them; filters, the API and `data-status` keep the raw
# value, and one Neutron does not list here is shown as Neutron says it.
STATUS_LABELS: dict[str, StrOrPromise] = {
    "ACTIVE": pgettext_lazy("network object status", "Active"),
    "UP": pgettext_lazy("network object status", "Up"),
    "DOWN": pgettext_lazy("network object status", "Down"),
    "BUILD": pgettext_lazy("network object status", "Building"),
    "PENDING_CREATE": pgettext_lazy("network object status", "Being created"),
    "PENDING_UPDATE": pgettext_lazy("network object status", "Being updated"),
    "ERROR": pgettext_lazy("network object status", "Error"),
}


def status_label(status: str) -> str:
    """A status as people read it ("Active" for ACTIVE); one not listed as the cloud says it."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


class ProjectTable(tables.Table):
    """Rows of the session's project and others it sees; `project_id` decides what may change,
    and `dashboard.web.permissions` which actions each row offers."""

    def __init__(self, *args: Any, project_id: str, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.request = request
        self._by_policy: frozenset[str] | None = None

    @property
    def session(self) -> Any:
        return getattr(self.request, "keystone", None)

    def permitted(self, record: Any) -> frozenset[str]:
        """The actions the session may take on the row (the policy checked once per table)."""
        model = type(record)
        if self._by_policy is None:
            self._by_policy = allowed_by_policy(self.session, model)
        return permitted_actions(self.session, model, record, by_policy=self._by_policy)

    class Meta:
        attrs = {"class": "table table-sm align-middle"}
        empty_text: StrOrPromise = _("Nothing here yet.")
        row_attrs = {"id": lambda record: f"{record._meta.model_name}-{record.pk}"}


class StatusColumn(tables.Column):
    """A status as a coloured badge (green when up, red on error, grey otherwise)."""

    def render(self, value: str) -> str:
        colour = STATUS_COLOURS.get(value, "secondary")
        return format_html(
            '<span class="badge text-bg-{}" data-status="{}">{}</span>',
            colour,
            value,
            status_label(value),
        )


@dataclass(frozen=True)
class RowAction:
    """A button on a row: a POST that starts an operation (with a confirmation) or a link to a form.

    Shown where the session may take `action` on the row (`ProjectTable.permitted`); its URL is
    the action's (`action_url_name`), with the row's id as `pk`. `refusal` gives the reason a
    permitted action cannot work on this row now: the button is then shown disabled, with it.
    """

    label: StrOrPromise
    action: str
    post: bool = True
    confirm: StrOrPromise = ""
    danger: bool = False
    refusal: Callable[[Any], str] | None = None


class ActionsColumn(tables.Column):
    """The row's permitted actions; nothing at all for rows the session may not change."""

    def __init__(self, actions: Sequence[RowAction], **kwargs: Any) -> None:
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}})
        super().__init__(**kwargs)
        self.actions = actions

    def render(self, record: Any, table: ProjectTable) -> str:
        label = getattr(record, "name_or_id", record.pk)
        may = table.permitted(record)
        permitted = [
            {
                "label": action.label,
                "url": reverse(
                    action_url_name(type(record), action.action), kwargs={"pk": record.pk}
                ),
                "post": action.post,
                "confirm": action.confirm.format(obj=isolated_text(label)),
                "danger": action.danger,
                # Translators: a row button's name for screen readers: “Delete web”.
                "aria_label": _("%(action)s %(name)s") % {"action": action.label, "name": label},
                "refusal": action.refusal(record) if action.refusal else "",
            }
            for action in self.actions
            if action.action in may
        ]
        return render_to_string("web/row_actions.html", {"actions": permitted}, table.request)


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row the session may delete (the bulk action), for bulk actions; name the
    table's field `pk` so the bulk form posts the selected ids as `pk`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("attrs", {"input": {"form": "bulk-form", "aria-label": _("Select")}})
        super().__init__(**kwargs)

    def render(self, value: Any, bound_column: Any, record: Any, table: ProjectTable) -> Any:
        if "delete" not in table.permitted(record):
            return ""
        return super().render(value, bound_column, record)
