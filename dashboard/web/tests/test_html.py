"""The lists' HTML helpers (`dashboard.web.html`) write what Django's and django-tables2's own
functions write, for every kind of value rows hold."""

from typing import Any

from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from django_tables2.utils import AttributeDict

from dashboard.web import html


class Markup:
    """An object that formats itself as HTML (`__html__`), as Django's safe strings do."""

    def __html__(self) -> str:
        return "<b>markup</b>"


VALUES: list[Any] = [
    "plain",
    "<script>alert('x') & \"y\"</script>",
    mark_safe("<em>safe</em>"),
    gettext_lazy("Select"),
    12345,
    1.5,
    None,
    True,
    Markup(),
    "网络 “名称”",
]


def test_escaped_is_conditional_escape() -> None:
    for value in VALUES:
        assert html.escaped(value) == django_html.conditional_escape(value), value


def test_format_html_is_djangos() -> None:
    for value in VALUES:
        ours = html.format_html('<a title="{}">{label}</a>', value, label=value)
        theirs = django_html.format_html('<a title="{}">{label}</a>', value, label=value)
        assert ours == theirs
        assert isinstance(ours, SafeString)


def test_join_html_is_format_html_join() -> None:
    ours = html.join_html(", ", VALUES)
    assert ours == django_html.format_html_join(", ", "{}", ((value,) for value in VALUES))
    assert isinstance(ours, SafeString)


def test_attributes_html_is_attribute_dicts() -> None:
    attrs = {
        "class": "btn",
        "title": VALUES[1],
        "aria-label": gettext_lazy("Select"),
        "value": 7,
        "hidden": None,
        "td": {"class": "left out"},
        "data-computed": lambda: "<now>",
    }
    assert html.attributes_html(attrs) == AttributeDict(attrs).as_html()
