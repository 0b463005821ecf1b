"""Template helpers shared by every page."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dashboard.operations.models import Operation

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


# Unicode's first-strong isolate and pop directional isolate: plain text's <bdi>.
FSI, PDI = "\u2068", "\u2069"


@register.filter
def isolated(value: Any) -> SafeString:
    """Text from the cloud or a user (a name, a description, a message naming them) in `<bdi>`:
    whatever direction its characters run, and whatever controls they hold (a U+202E override),
    they cannot reorder the page around it."""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolated_text(value: Any) -> str:
    """`isolated` where no tag can go (a page title, an attribute): the text between Unicode's
    isolate controls, which end any override it opened."""
    return f"{FSI}{value}{PDI}"
