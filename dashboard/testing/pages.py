"""Reading pages in tests as a person reads them."""

import re

from django.http import HttpResponse

ISOLATION = re.compile(r"</?bdi>")


def shown(response: HttpResponse) -> str:
    """A page's HTML without the `<bdi>` isolating each name (dashboard.web.text.isolated), so
    a test compares the sentence a person reads."""
    return ISOLATION.sub("", response.content.decode())
