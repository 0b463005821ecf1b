"""Reading pages in tests as a person reads them."""

import itertools
import re
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client

ISOLATION = re.compile(r"</?bdi>")


def shown(response: HttpResponse) -> str:
    """A page's HTML without the `<bdi>` isolating each name (dashboard.web.text.isolated), so
    a test compares the sentence a person reads."""
    return ISOLATION.sub("", response.content.decode())


def activity(client: Client, language: str = "") -> str:
    """The Activity page as `shown` to a reader of `language` (none: no Accept-Language)."""
    headers = {"Accept-Language": language} if language else {}
    response = client.get("/activity/", headers=headers)
    assert isinstance(response, HttpResponse)
    return shown(response)


def table_rows(table: Any, template_name: str, request: Any = None) -> str:
    """The `<tbody>` of `table`'s page rendered with `template_name`, whitespace between tags
    dropped: to compare the rows the dashboard renders in Python (`dashboard.web.table_rows`)
    with django-tables2's own template ("django_tables2/bootstrap5.html")."""
    table._counter = itertools.count()  # the even/odd row classes start again, as in a new page
    html = render_to_string(template_name, {"table": table}, request=request)
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.DOTALL)
    assert body is not None, html
    return re.sub(r">\s+<", "><", body.group(1).strip())


def table_head(table: Any, template_name: str, request: Any) -> str:
    """The `<thead>` of `table` rendered with `template_name`, whitespace next to tags dropped
    (a browser shows a header cell's text without it): to compare the header the dashboard
    renders in Python with django-tables2's own template's."""
    html = render_to_string(template_name, {"table": table}, request=request)
    head = re.search(r"<thead.*</thead>", html, re.DOTALL)
    assert head is not None, html
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", head.group(0))
