"""The core's scripts in Chinese, in Chromium: the page loads the zh-hans catalog (a file, as the
CSP wants) and a request that fails says so in Chinese."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]


@pytest.mark.allow_page_errors(
    # htmx's event, and its and Chromium's console lines about the same 404.
    r"^htmx:responseError /network/routers/gone/ 404",
    r"Response Status Error Code 404 from /network/routers/gone/",
    r"status of 404 \(Not Found\)",
)
def test_a_request_that_fails_says_so_in_chinese(
    page: Page, live_server: Any, account: KeystoneAccount
) -> None:
    sign_in(page, live_server.url, account)
    page.set_extra_http_headers({"Accept-Language": "zh-hans"})
    page.goto(f"{live_server.url}/network/routers/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.evaluate("htmx.ajax('GET', '/network/routers/gone/', {target: '#operations'})")

    alert = page.locator("#messages").get_by_role("alert")
    expect(alert).to_have_text(
        "您操作的对象在这里已不存在：它可能已被删除。请刷新页面查看当前内容。"
    )
