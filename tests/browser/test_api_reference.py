"""The API reference page (Swagger UI, vendored) runs under the site's Content Security Policy:
no inline script, no script from elsewhere, and it shows the schema's operations."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reference_page_shows_the_api_without_a_policy_violation(
    page: Page, live_server: Any
) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock-tag", has_text="networks")).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/networks/").first).to_be_visible()
    assert not [text for text in problems if "Content Security Policy" in text or "Refused" in text]
