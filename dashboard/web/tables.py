"""Table pieces every list shares: the base table, status badges, row actions, row selection."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

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


def owned(record: Any, table: "ProjectTable") -> bool:
    """Rows of the session's project may be changed; shared and external ones may not."""
    return bool(record.project_id == table.project_id)


class ProjectTable(tables.Table):
    """Rows of the session's project and others it sees; `project_id` decides what may change."""

    def __init__(self, *args: Any, project_id: str, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.request = request

    class Meta:
        attrs = {"class": "table table-sm align-middle"}
        empty_text = "Nothing here yet."
        row_attrs = {"id": lambda record: f"{record._meta.model_name}-{record.pk}"}


class StatusColumn(tables.Column):
    """A status as a coloured badge (green when up, red on error, grey otherwise)."""

    def render(self, value: str) -> str:
        colour = STATUS_COLOURS.get(value, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, value)


@dataclass(frozen=True)
class RowAction:
    """A button on a row: a POST that starts an operation (with a confirmation) or a link to a form.

    `url_name` takes the row's id as `pk`; `allowed` decides per row (default: own rows only);
    `refusal` gives the reason an allowed action cannot work on this row now: the button is then
    shown disabled, with that reason.
    """

    label: str
    url_name: str
    post: bool = True
    confirm: str = ""
    danger: bool = False
    allowed: Callable[[Any, ProjectTable], bool] = owned
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
        permitted = [
            {
                "label": action.label,
                "url": reverse(action.url_name, kwargs={"pk": record.pk}),
                "post": action.post,
                "confirm": action.confirm.format(obj=isolated_text(label)),
                "danger": action.danger,
                "aria_label": f"{action.label} {label}",
                "refusal": action.refusal(record) if action.refusal else "",
            }
            for action in self.actions
            if action.allowed(record, table)
        ]
        return render_to_string("web/row_actions.html", {"actions": permitted}, table.request)


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row the session may change, for bulk actions; name the table's field `pk`
    so the bulk form posts the selected ids as `pk`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("attrs", {"input": {"form": "bulk-form", "aria-label": "Select"}})
        super().__init__(**kwargs)

    def render(self, value: Any, bound_column: Any, record: Any, table: ProjectTable) -> Any:
        if not owned(record, table):
            return ""
        return super().render(value, bound_column, record)
