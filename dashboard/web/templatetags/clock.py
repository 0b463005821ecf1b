"""Times as people read them: in their own time zone and language, with the UTC time on hover."""

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from dashboard.web.html import format_html

register = template.Library()


@register.simple_tag
def when(value: datetime | None, style: str = "DATETIME_FORMAT") -> SafeString | str:
    """`<time>` showing `value` in the active time zone and the active language's format
    (`style`: a Django format name such as DATETIME_FORMAT, SHORT_DATETIME_FORMAT or DATE_FORMAT),
    with the exact UTC time as its title; "" for no value. Tables call it as a function too."""
    if value is None:
        return ""
    utc = value.astimezone(UTC) if timezone.is_aware(value) else value
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        utc.isoformat(timespec="seconds"),
        utc.strftime("%Y-%m-%d %H:%M:%S"),
        date_format(local, style),
    )
