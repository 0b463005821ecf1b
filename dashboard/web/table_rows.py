"""A table's rows and header, rendered in Python as django-tables2's own template renders them.

django-tables2 renders each cell through its template loop (`{% for column, cell in row.items %}`)
and, per cell, inspects the signature of the column's `render` method to know which arguments
it takes. On a page of 300 instances that was most of the page's time. `rows_html` works out once
per column what tables2 works out per cell (the arguments of the column's render method and of
the row attributes' callables, static `<td>` attributes) and writes the rows with no template
loop; the output is the stock template's (`dashboard.web.tests.test_table_rows` and every
list's `ResourceViewTests` compare the two). Columns whose values tables2 shows through
`get_FOO_display` (model choices) or many-to-many managers take tables2's own path.

`head_html` writes the header's cells, each column's sort link with the request's query
string, as the stock template's loop does (its `as_html` and `querystring_replace` per column
were a twentieth of a list page).
"""

import re
from collections.abc import Callable, Mapping
from functools import cache
from types import MethodType
from typing import Any

from django.db.models import Model
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django_tables2 import Table
from django_tables2.columns import BoundColumn, ManyToManyColumn
from django_tables2.columns.base import LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, computed_values, signature

from dashboard.web.html import attributes_html, escaped, format_html


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


def head_html(table: Table, context: Context) -> SafeString:
    """The header's `<th>` cells: a sortable column's header links to the request's query string
    with the column's next order (`querystring_replace`)."""
    query = dict(context["request"].GET)
    order_by_field = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        header = escaped(column.header)
        if column.orderable:
            sorted_by = {**query, order_by_field: column.order_by_alias.next}
            link = escaped("?" + urlencode(sorted_by, doseq=True))
            header = f'<a href="{link}">{header}</a>'
        cells.append(f'<th {attributes_html(column.attrs["th"])} scope="col">{header}</th>')
    return SafeString("\n".join(cells))


type _Arguments = tuple[tuple[str, ...], str | None]


def resolve(accessor: Accessor, record: Any) -> Any:
    """`accessor.resolve(record)` for a model instance: tables2 tries each step of the path as a
    key first, and a model instance refuses with an exception, a microsecond or more a cell.
    Here a step on a model instance is an attribute; anything else takes tables2's own path."""
    current = record
    for bit in accessor.bits:
        if not isinstance(current, Model):
            return accessor.resolve(record)
        current = getattr(current, bit)
        if callable(current):
            if getattr(current, "alters_data", False) or not isinstance(current, MethodType):
                return accessor.resolve(record)  # tables2 refuses it, or a callable of its own
            if not getattr(current, "do_not_call_in_templates", False):
                current = current(*accessor.callable_args, **accessor.callable_kwargs)
        if current is None:
            break
    return current


def _signature(function: Callable[..., Any]) -> _Arguments:
    """tables2's `signature(function)`, worked out once per function: a table's render methods
    are new bound methods in every table, and inspecting one took a tenth of a millisecond."""
    underlying = getattr(function, "__func__", function)
    try:
        return _signature_of(underlying, bound=underlying is not function)
    except TypeError:  # a callable that cannot be a key
        return signature(function)  # type: ignore[no-any-return]


@cache
def _signature_of(function: Callable[..., Any], *, bound: bool) -> _Arguments:
    names, catch_all = signature(function)
    return (names[1:] if bound else names), catch_all  # a bound method's `self` is given


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
        self.arguments = _signature(self.render)
        self.link = bound_column.link
        self.reversed_link = _ReversedLink.of(self.link)
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
        if isinstance(value, str):
            # What render_value_in_context does to text (most cells), without its other checks.
            text = escaped(value) if context.autoescape else value
        else:
            text = render_value_in_context(value, context)
        return f"<td {td_attrs}>{text}</td>"

    def value(self, row: BoundRow) -> Any:
        """The cell as `BoundRow.get_cell` makes it."""
        try:
            value = resolve(self.accessor, row.record)
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
        if self.reversed_link is not None:
            linked = self.reversed_link.html(content, row.record)
            if linked is not None:
                return linked
        return self.link(content, **offered) if self.link else content


# What a URL argument may be for the link's URL to be filled in as text (ids, names of plain
# characters); anything else takes tables2's own path through `reverse()`.
_PLAIN_ARGUMENT = re.compile(r"[-\w.~]+", re.ASCII)
# Stand-ins for a URL's arguments, in the shapes its pattern may ask for: a UUID (Nova's and
# Neutron's ids), 32 hex digits (Keystone's), any text.
_STAND_IN_SHAPES = ("{:08x}-0000-0000-0000-000000000000", "{:032x}", "tablerowsargument{}")


def row_url(viewname: str, **kwargs: Any) -> str:
    """`reverse(viewname, kwargs=kwargs)` for a row's link or button: reversed once per view,
    filled in per row (a list reverses a URL for every row and action)."""
    pattern = _ReversedURL.of(viewname, tuple(kwargs))
    url = pattern.filled(kwargs) if pattern is not None else None
    return url if url is not None else reverse(viewname, kwargs=kwargs)


class _ReversedURL:
    """A view's URL reversed with stand-ins for its keyword arguments."""

    def __init__(self, url: str, stand_ins: dict[str, str]) -> None:
        self.url = url
        self.stand_ins = stand_ins

    @staticmethod
    @cache
    def of(viewname: str, names: tuple[str, ...]) -> "_ReversedURL | None":
        """The view's URL with a stand-in for each of `names`; None if no shape of stand-in
        fits its pattern."""
        for shape in _STAND_IN_SHAPES:
            stand_ins = {name: shape.format(index) for index, name in enumerate(names)}
            try:
                return _ReversedURL(reverse(viewname, kwargs=stand_ins), stand_ins)
            except NoReverseMatch:
                continue
        return None

    def filled(self, values: Mapping[str, Any]) -> str | None:
        """The URL for these values, or None where a value is not plain text (it takes
        `reverse()`, which quotes it)."""
        url = self.url
        for name, stand_in in self.stand_ins.items():
            value = str(values[name])
            if not _PLAIN_ARGUMENT.fullmatch(value):
                return None
            url = url.replace(stand_in, value)
        return url


class _ReversedLink:
    """A column's `linkify=(viewname, {"pk": A("pk")})`: the URL reversed once, with stand-ins
    for its arguments filled in per row, where tables2 reverses it for every row."""

    def __init__(self, url: _ReversedURL, accessors: dict[str, Accessor], attrs: str) -> None:
        self.url = url
        self.accessors = accessors
        self.attrs = attrs

    @classmethod
    def of(cls, link: Any) -> "_ReversedLink | None":
        """For a link tables2 makes by reversing a view name with keyword arguments taken from
        the row and fixed `<a>` attributes; None for any other link."""
        if not isinstance(link, LinkTransform) or link.url is not None:
            return None
        arguments = link.reverse_args
        viewname, kwargs = arguments.get("viewname"), arguments.get("kwargs")
        if set(arguments) != {"viewname", "kwargs"} or not isinstance(viewname, str):
            return None
        if not kwargs or not all(isinstance(value, Accessor) for value in kwargs.values()):
            return None
        if _computed(link.attrs or {}):
            return None
        url = _ReversedURL.of(viewname, tuple(kwargs))
        if url is None:
            return None
        static = attributes_html(link.attrs or {})
        accessors = {name: Accessor(accessor) for name, accessor in kwargs.items()}
        return cls(url, accessors, f"{static} " if static else "")

    def html(self, content: Any, record: Any) -> SafeString | None:
        """`<a href=...>content</a>` as tables2 writes it, or None where an argument is not
        plain text (tables2 then reverses it)."""
        url = self.url.filled(
            {name: resolve(accessor, record) for name, accessor in self.accessors.items()}
        )
        if url is None:
            return None
        return SafeString(f'<a {self.attrs}href="{escaped(url)}">{escaped(content)}</a>')


class _RowAttrs:
    """The `<tr>` attributes as `BoundRow.attrs` makes them: the table's `row_attrs`, callables
    called with the record, and the even/odd class."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.attrs: dict[str, Any] = table.row_attrs
        self.arguments = {
            key: _signature(value) for key, value in self.attrs.items() if callable(value)
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
        return attributes_html(attrs)
