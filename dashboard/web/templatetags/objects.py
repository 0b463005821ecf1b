"""Template helpers shared by every page."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django_tables2 import Table

from dashboard.operations.models import Operation
from dashboard.web.html import escaped
from dashboard.web.table_rows import head_html, rows_html
from dashboard.web.tables import status_label
from dashboard.web.text import isolated, isolated_text

register = template.Library()


@register.simple_tag
def operation_result_url(operation: Operation) -> str:
    """The page of what a finished operation made or changed (`<app>:<target_type>_detail`), or
    "" when it has none (deleted, or no such page)."""
    pk = operation.result_id or operation.target_id
    if operation.status != Operation.Status.SUCCEEDED or not pk or operation.deletes_target:
        return ""
    app_label = operation.action.split(".", 1)[0]
    try:
        return reverse(f"{app_label}:{operation.target_type}_detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


@register.filter
def quota_request_link(form: Any, error: str) -> str:
    """The page that asks for more of the quota whose refusal `error` is (a create form's,
    `ProjectForm.quota_refusal_links`), or ""."""
    links: dict[str, str] = getattr(form, "quota_refusal_links", {})
    return links.get(str(error), "")


@register.simple_tag(takes_context=True)
def table_rows(context: template.Context, table: Table) -> SafeString:
    """The rows of the table's page (`dashboard.web.table_rows`)."""
    return rows_html(table, context)


@register.simple_tag(takes_context=True)
def table_head(context: template.Context, table: Table) -> SafeString:
    """The header cells of the table (`dashboard.web.table_rows`)."""
    return head_html(table, context)


@register.simple_tag
def select_options(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """A select widget's options (`widget.optgroups`) as Django's option template writes them,
    formatted in Python: lists of hundreds of images or flavors render in a fraction of the
    time of a template loop."""
    parts: list[str] = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
        parts.extend(
            f'\n  <option value="{escaped(option["value"])}"{widget_attrs(option["attrs"])}>'
            f"{escaped(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    return SafeString("".join(parts))


@register.simple_tag
def widget_attrs(attrs: dict[str, Any]) -> SafeString:
    """A widget's attributes as Django's django/forms/widgets/attrs.html writes them (True: the
    name alone), which every form field includes: formatted in Python, not a template loop."""
    return SafeString(
        "".join(
            f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


register.filter("status_label", status_label)
register.filter("isolated", isolated)
register.filter("isolated_text", isolated_text)
