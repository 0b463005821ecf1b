"""Every main page under the Content Security Policy, which allows no inline script or style:
Chromium reports no violation while the pages load, lazy-load their panels and draw the
topology."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.web.navigation import NAVIGATION
from instances.factories import ServerFactory
from tenants.factories import ProjectFactory, quotas_for

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

FORMS = ["networks:network_create", "instances:server_launch", "instances:keypair_create"]
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber}`));
"""


# The test's own check injects one inline style at the end, which Chromium logs as an error.
@pytest.mark.allow_page_errors(r"Content Security Policy")
def test_main_pages_load_without_a_csp_violation(
    page: Page, live_server: Any, make_account: Any
) -> None:
    account: KeystoneAccount = make_account(roles=("member", "admin"))
    project = account.project
    ProjectFactory(id=project.id, name=project.name)
    # Quota bars of every colour on the overview and the admin quota page.
    quotas_for(project.id, network_network=(10, 2), network_router=(10, 9), compute_cores=(4, 4))
    server = ServerFactory(project_id=project.id, name="web")
    violations: list[str] = []
    page.expose_function("reportCspViolation", lambda violation: violations.append(violation))
    page.add_init_script(REPORT_VIOLATIONS)
    pages = [
        *(reverse(item.url_name) for section in NAVIGATION for item in section.items),
        *(reverse(name) for name in FORMS),
        reverse("instances:server_detail", args=[server.id]),
    ]

    quota_bars = {}

    sign_in(page, live_server.url, account)
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("main").is_visible(), path
        quota_bars[path] = page.locator("svg.usage-fill rect").count()
    seen_on_the_pages = list(violations)
    # The check itself: an inline style is reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b style=\"color: red\">x</b>')")
    page.wait_for_function("() => true")

    assert seen_on_the_pages == []
    assert quota_bars[reverse("tenants:overview")] >= 3
    assert quota_bars[reverse("tenants:admin_quotas")] >= 3
    assert len(violations) == 1
    assert violations[0].startswith("style-src-attr blocked inline")
