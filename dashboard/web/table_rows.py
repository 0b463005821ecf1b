"""A table's rows, rendered in Python as django-tables2's own template renders them.

django-tables2 renders each cell through its template loop (`{% for column, cell in row.items %}`)
and, per cell, inspects the signature of the column's `render` method to know which arguments
it takes. On a page of 300 instances that was most of the page's time. `rows_html` works out once
per column what tables2 works out per cell (the arguments of the column's render method and of
the row attributes' callables, static `<td>` attributes) and writes the rows with no template
loop; the output is the stock template's (`dashboard.web.tests.test_table_rows` and every
list's `ResourceViewTests` compare the two). Columns whose values tables2 shows through
`get_FOO_display` (model choices) or many-to-many managers take tables2's own path.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2 import Table
from django_tables2.columns import BoundColumn, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, AttributeDict, computed_values, signature


def rows_html(table: Table, context: Context) -> SafeString:
    """The `<tr>` rows of the table's current page, or its empty text in one row."""
    model = _model(table)
    cells = [_Cell(table, column, model) for column in table.columns]
    row_attrs = _RowAttrs(table)
    rows = [
        format_html(
            "<tr {}>{}</tr>",
            row_attrs.html(row),
            SafeString("".join([cell.html(row, context) for cell in cells])),
        )
        for row in table.paginated_rows
    ]
    if not rows and table.empty_text:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text
        )
    return SafeString("\n".join(rows))


type _Arguments = tuple[tuple[str, ...], str | None]


def _call(function: Callable[..., Any], arguments: _Arguments, offered: dict[str, Any]) -> Any:
    """`call_with_appropriate` with the function's `signature` worked out beforehand."""
    names, catch_all = arguments
    if catch_all:
        return function(**offered)
    if any(name not in offered for name in names):
        return None
    return function(**{name: offered[name] for name in names})


def _model(table: Table) -> type[Model] | None:
    """The model of the table's rows, if they are model instances."""
    model: type[Model] | None = table._meta.model or getattr(table.data, "model", None)
    if model is None and len(table.data) and isinstance(table.data[0], Model):
        model = type(table.data[0])  # a list of model instances
    return model


def _has_choices(model: type[Model] | None, accessor: Accessor) -> bool:
    """Whether the accessor ends at a model field with choices (tables2 shows its display)."""
    field = accessor.get_field(model) if model is not None else None
    return bool(getattr(field, "choices", None))


def _computed(attrs: Any) -> bool:
    """Whether an attribute dict has values tables2 computes per cell (callables)."""
    if callable(attrs):
        return True
    return isinstance(attrs, dict) and any(_computed(value) for value in attrs.values())


class _Cell:
    """One column's cells: what tables2 decides per cell, decided once."""

    def __init__(self, table: Table, bound_column: BoundColumn, model: type[Model] | None) -> None:
        column = bound_column.column
        self.table = table
        self.bound_column = bound_column
        self.accessor = Accessor(bound_column.accessor)
        self.own_path = isinstance(column, ManyToManyColumn) or _has_choices(model, self.accessor)
        self.render: Callable[..., Any] = bound_column.render
        self.arguments: _Arguments = signature(self.render)
        self.link = bound_column.link
        self.default = bound_column.default
        self.empty_values = column.empty_values
        self.text_link = isinstance(column, BaseLinkColumn) and column.text is not None
        self.filter: Callable[[Any], Any] | None = (
            None if column.localize is None else localize if column.localize else unlocalize
        )
        attrs = {**table.attrs, **column.attrs}
        self.td_attrs: str | None = (
            None
            if _computed(attrs.get("td", attrs.get("cell", {})))
            else bound_column.attrs["td"].as_html()
        )

    def html(self, row: BoundRow, context: Context) -> str:
        value = row.get_cell(self.bound_column.name) if self.own_path else self.value(row)
        if self.td_attrs is None:
            # tables2's attributes computed from the row's record and this cell's value.
            self.bound_column.current_record = row.record
            self.bound_column.current_value = value
            td_attrs = self.bound_column.attrs["td"].as_html()
        else:
            td_attrs = self.td_attrs
        if self.filter is not None:
            value = self.filter(value)
        return f"<td {td_attrs}>{render_value_in_context(value, context)}</td>"

    def value(self, row: BoundRow) -> Any:
        """The cell as `BoundRow.get_cell` makes it."""
        try:
            value = self.accessor.resolve(row.record)
        except Exception:
            # A link column with fixed text links even where its accessor finds nothing.
            if self.text_link:
                return self.rendered(row, None)
            value = None
        if value in self.empty_values:
            return self.default
        return self.rendered(row, value)

    def rendered(self, row: BoundRow, value: Any) -> Any:
        offered = {
            "value": value,
            "record": row.record,
            "column": self.bound_column.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        content = _call(self.render, self.arguments, offered)
        return self.link(content, **offered) if self.link else content


class _RowAttrs:
    """The `<tr>` attributes as `BoundRow.attrs` makes them: the table's `row_attrs`, callables
    called with the record, and the even/odd class."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.attrs: dict[str, Any] = table.row_attrs
        self.arguments = {
            key: signature(value) for key, value in self.attrs.items() if callable(value)
        }

    def html(self, row: BoundRow) -> str:
        offered = {"table": self.table, "record": row.record}
        attrs = {}
        for key, value in self.attrs.items():
            if key in self.arguments:
                value = _call(value, self.arguments[key], offered)
            if isinstance(value, dict):
                value = computed_values(value, kwargs=offered)
            attrs[key] = value
        even_odd = row.get_even_odd_css_class()
        attrs["class"] = f"{attrs['class']} {even_odd}" if attrs.get("class") else even_odd
        return str(AttributeDict(attrs).as_html())
