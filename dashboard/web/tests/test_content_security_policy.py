"""The Content Security Policy every page is sent with (the browser test of the same name loads
the pages under it in Chromium)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_policy_allows_no_inline_code_plugins_or_foreign_base() -> None:
    response = Client().get("/auth/login/")
    directives = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )

    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
