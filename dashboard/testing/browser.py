"""Playwright in Debian's Chromium (/usr/bin/chromium): Playwright's own browser download cannot
work on these machines, so the launch points at the system browser."""

import os
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


def sign_in(page: Any, base_url: str, account: Any) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base_url}/auth/login/")
    page.get_by_label("User name").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
