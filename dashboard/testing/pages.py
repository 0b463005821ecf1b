"""Reading pages in tests as a person reads them."""

import re

from django.http import HttpResponse
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
