"""Table pieces every list shares: the base table, status badges, row actions, row selection."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dashboard.web.html import attributes_html, format_html, join_html
from dashboard.web.permissions import action_url_name, allowed_by_policy, permitted_actions
from dashboard.web.table_rows import row_url
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
    return _status_labels(get_language()).get(status, status)


@cache
def _status_labels(language: str) -> dict[str, str]:
    """STATUS_LABELS in `language` (lists show a status in every row: translated once)."""
    with override(language):
        return {status: str(label) for status, label in STATUS_LABELS.items()}


class SharedColumns(dict[str, tables.Column]):
    """A table class's columns (django-tables2's `base_columns`), shared by its tables: tables2
    deep-copies them for each table, so that one may change its columns without touching the
    class; the dashboard's never do, and the copy cost a list page about half a millisecond.
    A copy of this dict is a new dict of the same column objects."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, tables.Column]:
        return dict(self)


class SharedColumnsMixin:
    """Tables whose classes keep their columns in `SharedColumns`."""

    base_columns: dict[str, tables.Column]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.base_columns = SharedColumns(cls.base_columns)


class ProjectTable(SharedColumnsMixin, tables.Table):
    """Rows of the session's project and others it sees; `project_id` decides what may change,
    and `dashboard.web.permissions` which actions each row offers."""

    def __init__(self, *args: Any, project_id: str, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.request = request
        self._by_policy: frozenset[str] | None = None
        self._permitted: dict[tuple[type[Any], Any], frozenset[str]] = {}

    @property
    def session(self) -> Any:
        return getattr(self.request, "keystone", None)

    def permitted(self, record: Any) -> frozenset[str]:
        """The actions the session may take on the row (the policy checked once per table, the
        row once: its checkbox and its buttons both ask)."""
        model = type(record)
        key = (model, record.pk)
        if key not in self._permitted:
            if self._by_policy is None:
                self._by_policy = allowed_by_policy(self.session, model)
            self._permitted[key] = permitted_actions(
                self.session, model, record, by_policy=self._by_policy
            )
        return self._permitted[key]

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


@dataclass(frozen=True)
class _RowActionTexts:
    """A table's row-action words in the request's language, translated once per page."""

    labels: dict[str, str]
    confirms: dict[str, str]
    named: str
    not_possible: str
    csrf_token: str


class ActionsColumn(tables.Column):
    """The row's permitted actions; nothing at all for rows the session may not change.

    A list renders this for every row: the words are translated once per page
    (`_RowActionTexts`) and each button is formatted here, with no template per row.
    """

    def __init__(self, actions: Sequence[RowAction], **kwargs: Any) -> None:
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}})
        super().__init__(**kwargs)
        self.actions = actions

    def _texts(self, table: ProjectTable) -> _RowActionTexts:
        texts: _RowActionTexts | None = getattr(table, "_row_action_texts", None)
        if texts is None:
            texts = _RowActionTexts(
                labels={action.action: str(action.label) for action in self.actions},
                confirms={action.action: str(action.confirm) for action in self.actions},
                # Translators: a row button's name for screen readers: “Delete web”.
                named=gettext("%(action)s %(name)s"),
                not_possible=gettext("%(action)s: not possible now. %(refusal)s"),
                csrf_token=get_token(table.request) if table.request is not None else "",
            )
            table._row_action_texts = texts
        return texts

    def render(self, record: Any, table: ProjectTable) -> SafeString:
        name = getattr(record, "name_or_id", record.pk)
        texts = self._texts(table)
        may = table.permitted(record)
        buttons = []
        for action in self.actions:
            if action.action not in may:
                continue
            label = texts.labels[action.action]
            url = row_url(action_url_name(type(record), action.action), pk=record.pk)
            aria_label = texts.named % {"action": label, "name": name}
            refusal = action.refusal(record) if action.refusal else ""
            if refusal:
                buttons.append(
                    format_html(
                        '<span class="d-inline-block" tabindex="0" title="{}"><button '
                        'class="btn btn-sm btn-outline-secondary" type="button" disabled '
                        'aria-label="{}">{}</button></span>',
                        refusal,
                        texts.not_possible % {"action": aria_label, "refusal": refusal},
                        label,
                    )
                )
            elif action.post:
                confirm = texts.confirms[action.action].format(obj=isolated_text(name))
                buttons.append(
                    format_html(
                        '<form class="d-inline" method="post" action="{url}" hx-post="{url}" '
                        'hx-target="#operations" hx-swap="afterbegin" hx-push-url="false"'
                        "{confirm}>"
                        '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                        '<button class="btn btn-sm {style}" type="submit" aria-label="{aria}">'
                        "{label}</button></form>",
                        url=url,
                        confirm=format_html(' hx-confirm="{}"', confirm) if confirm else "",
                        token=texts.csrf_token,
                        style="btn-outline-danger" if action.danger else "btn-outline-secondary",
                        aria=aria_label,
                        label=label,
                    )
                )
            else:
                buttons.append(
                    format_html(
                        '<a class="btn btn-sm btn-outline-secondary" href="{}" hx-boost="false" '
                        'aria-label="{}">{}</a>',
                        url,
                        aria_label,
                        label,
                    )
                )
        return join_html("\n", buttons)


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row the session may delete (the bulk action), for bulk actions; name the
    table's field `pk` so the bulk form posts the selected ids as `pk`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("attrs", {"input": {"form": "bulk-form", "aria-label": _("Select")}})
        super().__init__(**kwargs)

    def render(self, value: Any, bound_column: Any, record: Any, table: ProjectTable) -> Any:
        """`CheckBoxColumn.render` for attributes that are the same in every row (never checked,
        nothing computed per row), formatted directly: a list asks for one per row."""
        if "delete" not in table.permitted(record):
            return ""
        attrs = {"type": "checkbox", "name": bound_column.name, "value": value}
        attrs.update(self.attrs.get("td__input") or self.attrs.get("input") or {})
        return SafeString(f"<input {attributes_html(attrs)} />")
