"""Template helpers shared by every page."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from dashboard.operations.models import Operation
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


register.filter("status_label", status_label)
register.filter("isolated", isolated)
register.filter("isolated_text", isolated_text)
