"""Playwright in Debian's Chromium (/usr/bin/chromium): Playwright's own browser download cannot
work on these machines, so the launch points at the system browser. Every test's `page` is
guarded: an error the page reports fails the test (`page` below)."""

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread, and Django then refuses ORM calls
# from that thread unless told they are safe, which they are here: one thread, nothing awaits.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Without these, Chromium reaches out to Google's services at start, and this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bin/test does).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "accept_downloads": True}


# htmx's error events: a request that failed, or a response with nowhere to go. Each one is a
# click whose answer the user never saw, unless the page showed it (see `allow_page_errors`).
HTMX_ERRORS = (
    "htmx:targetError",
    "htmx:responseError",
    "htmx:sendError",
    "htmx:swapError",
    "htmx:oobErrorNoTarget",
    "htmx:onLoadError",
)
REPORT_HTMX_ERRORS = """
for (const name of HTMX_ERRORS) {
  document.addEventListener(name, (event) => {
    const detail = event.detail || {};
    const path = detail.pathInfo ? detail.pathInfo.requestPath : "";
    const status = detail.xhr ? detail.xhr.status : "";
    window.reportPageError(`${name} ${path} ${status} on ${location.pathname}`);
  });
}
""".replace("HTMX_ERRORS", json.dumps(HTMX_ERRORS))


@dataclass
class PageErrors:
    """Errors a page reported while a test drove it: console errors, uncaught exceptions, htmx's
    error events. `allowed` are patterns of errors the test triggers on purpose."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def record(self, message: str) -> None:
        self.seen.append(message)

    def unexpected(self) -> list[str]:
        return [m for m in self.seen if not any(p.search(m) for p in self.allowed)]


@pytest.fixture
def page_errors(request: pytest.FixtureRequest) -> PageErrors:
    """What the guarded `page` reported. A test that deliberately makes the page fail, and shows
    that failure to the user, names the errors it expects with
    `@pytest.mark.allow_page_errors("regex", ...)`; every other error fails the test."""
    marker = request.node.get_closest_marker("allow_page_errors")
    patterns = [re.compile(pattern) for pattern in (marker.args if marker else ())]
    return PageErrors(allowed=patterns)


@pytest.fixture
def page(page: Any, page_errors: PageErrors) -> Iterator[Any]:
    """Playwright's page, guarded: any console error, uncaught exception or htmx error event on
    any page the test visits fails the test at teardown, with the list of what happened."""

    def console(message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            page_errors.record(f"console.error: {message.text} ({where})")

    page.expose_function("reportPageError", page_errors.record)
    page.add_init_script(REPORT_HTMX_ERRORS)
    page.on("console", console)
    page.on("pageerror", lambda error: page_errors.record(f"uncaught: {error}"))
    yield page
    unexpected = page_errors.unexpected()
    if unexpected:
        pytest.fail("The page reported errors:\n" + "\n".join(unexpected), pytrace=False)


def sign_in(page: Any, base_url: str, account: Any) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base_url}/auth/login/")
    page.get_by_label("User name").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
