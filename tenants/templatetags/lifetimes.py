"""Badges of what the try-out cloud's clean-up removes and when ("Deleted in 3 hours"), in the
reader's language (Django's own `timeuntil` words), with the exact UTC time on hover."""

from datetime import UTC, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timeuntil
from django.utils.translation import gettext

from tenants.lifetimes import page_removals

register = template.Library()


@register.simple_tag
def removal_badge(removal_at: datetime | None) -> SafeString | str:
    """The badge of an object removed at `removal_at` ("" for none). Tables call it too."""
    if removal_at is None:
        return ""
    if removal_at <= timezone.now():
        words = gettext("Being deleted")
    else:
        words = gettext("Deleted in %(time)s") % {"time": timeuntil(removal_at, depth=1)}
    return format_html(
        '<span class="badge text-bg-warning" data-removal-at="{}" title="{} UTC">{}</span>',
        removal_at.astimezone(UTC).isoformat(timespec="seconds"),
        removal_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        words,
    )


@register.simple_tag(takes_context=True)
def object_removal_badge(context: Any, resource_type: str, resource_id: str) -> SafeString | str:
    """The badge of one object of the session's project (its detail page)."""
    request = context.get("request")
    if request is None:
        return ""
    return removal_badge(page_removals(request).removal_at(resource_type, resource_id))
