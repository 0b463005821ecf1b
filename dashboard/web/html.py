"""HTML for the lists' hot paths: what Django's `conditional_escape` and `format_html` and
django-tables2's `AttributeDict.as_html` write, without their cost per call.

A page of 300 instances escapes about 18,000 values; Django's escape checks every argument for
lazy strings through a wrapper (`keep_lazy`) before escaping, which was a fifth of that page's
time. These write the same HTML (`dashboard.web.tests.test_html` compares them with Django's
and tables2's own) and are for code that formats many values per request: rows, options.
"""

from collections.abc import Iterable, Mapping
from html import escape as _escape_text
from typing import Any

from django.utils.safestring import SafeString

# Keys `AttributeDict.as_html` leaves out: the nested attributes of a table's parts.
_NOT_ATTRIBUTES = frozenset(("th", "td", "_ordering", "thead", "tbody", "tfoot"))


def escaped(value: Any) -> str:
    """`conditional_escape(value)`: safe HTML as it is, anything else as escaped text."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_text(str(value))


def format_html(template: str, *args: Any, **kwargs: Any) -> SafeString:
    """`django.utils.html.format_html`: `template` filled with the escaped arguments."""
    return SafeString(
        template.format(
            *[escaped(arg) for arg in args], **{key: escaped(arg) for key, arg in kwargs.items()}
        )
    )


def join_html(separator: str, parts: Iterable[Any]) -> SafeString:
    """`format_html_join(separator, "{}", ((part,) for part in parts))`."""
    return SafeString(separator.join([escaped(part) for part in parts]))


def attributes_html(attrs: Mapping[str, Any]) -> SafeString:
    """`AttributeDict(attrs).as_html()`: `name="value"` pairs, callables called, None left out."""
    pairs = []
    for key, value in attrs.items():
        if callable(value):
            value = value()
        if key not in _NOT_ATTRIBUTES and value is not None:
            pairs.append(f'{escaped(key)}="{escaped(value)}"')
    return SafeString(" ".join(pairs))
