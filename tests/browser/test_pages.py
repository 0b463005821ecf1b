"""What every page does, in Chromium: a link in a list opens its page (never inside the table), a
refusal reaches the page it was sent from, checkboxes show their state, a create form empties
once queued, a deleted object's page goes back to its list, and phones get a menu. The guard
itself (dashboard.testing.browser) is checked first."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import PageErrors, sign_in
from dashboard.testing.fixtures import KeystoneAccount
from networks.factories import NetworkFactory, RouterFactory, RouterInterfaceFactory, SubnetFactory

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

DONE = 30_000  # ms an operation may take on a busy machine


def test_the_guard_records_an_htmx_error(
    page: Page, live_server: Any, page_errors: PageErrors
) -> None:
    page.goto(f"{live_server.url}/auth/login/")

    # htmx.ajax's promise rejects when the target is missing; the guard hears the event.
    page.evaluate("htmx.ajax('GET', '/healthz', {target: '#nowhere'}).catch(() => null)")
    page.evaluate("1")  # one more round trip: the page's reports have arrived

    assert any("htmx:targetError" in error for error in page_errors.seen)
    page_errors.seen.clear()  # made on purpose: the guard must not fail this test


@pytest.mark.allow_page_errors(
    # htmx's event, and its and Chromium's console lines about the same 404.
    r"^htmx:responseError /network/routers/gone/ 404",
    r"Response Status Error Code 404 from /network/routers/gone/",
    r"status of 404 \(Not Found\)",
)
def test_a_request_that_fails_says_so_in_the_messages_area(
    page: Page, live_server: Any, account: KeystoneAccount
) -> None:
    sign_in(page, live_server.url, account)
    page.get_by_role("link", name="Routers").click()

    # A request for an object deleted meanwhile: the server answers 404, which htmx won't swap.
    page.evaluate("htmx.ajax('GET', '/network/routers/gone/', {target: '#operations'})")

    alert = page.locator("#messages").get_by_role("alert")
    expect(alert).to_contain_text("no longer exists")


def test_a_name_in_a_list_opens_its_page_not_a_page_inside_the_table(
    page: Page, live_server: Any, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id, name="blue")
    sign_in(page, live_server.url, account)
    page.get_by_role("link", name="Networks").click()

    page.locator("#object-table").get_by_role("link", name="blue", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/network/networks/{network.id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Network “blue”")
    expect(page.locator("nav.navbar")).to_have_count(1)
    expect(page.locator("#object-table")).to_have_count(0)
    expect(page.locator("#filter-form")).to_have_count(0)  # the list page is gone, not wrapped


def test_removing_an_interface_a_static_route_uses_says_why_on_the_router_page(
    page: Page, live_server: Any, account: KeystoneAccount
) -> None:
    project = account.project.id
    router = RouterFactory(
        project_id=project,
        name="edge",
        routes=[{"destination": "192.168.50.0/24", "nexthop": "10.5.0.9"}],
    )
    subnet = SubnetFactory(project_id=project, cidr="10.5.0.0/24")
    RouterInterfaceFactory(
        router=router,
        project_id=project,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.5.0.1"}],
    )
    sign_in(page, live_server.url, account)
    page.goto(f"{live_server.url}/network/routers/{router.id}/")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove the interface on", exact=False).click()

    alert = page.locator("#messages").get_by_role("alert")
    expect(alert).to_contain_text("Static routes 192.168.50.0/24 via 10.5.0.9")
    expect(alert).to_be_in_viewport()


def test_create_form_shows_its_checkboxes_empties_once_queued_and_delete_goes_back_to_the_list(
    page: Page, live_server: Any, celery_worker: Any, account: KeystoneAccount, cloud: Any
) -> None:
    sign_in(page, live_server.url, account)
    page.get_by_role("link", name="Networks").click()
    page.get_by_role("link", name="Create network").click()

    # A checkbox is a box with its check mark, not a text field's empty bar.
    enabled = page.get_by_label("Enabled (admin state up)")
    expect(enabled).to_be_checked()
    box = enabled.bounding_box()
    assert box is not None
    assert box["width"] < 40

    page.get_by_label("Name", exact=True).fill("queued-net")
    page.get_by_role("button", name="Create network").click()
    status = page.locator(".operation-status").first
    expect(status).to_have_attribute("data-status", "succeeded", timeout=DONE)
    expect(page.get_by_label("Name", exact=True)).to_have_value("")

    status.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("queued-net")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#object-body").get_by_role("button", name="Delete", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/network/networks/", timeout=DONE)
    expect(page.locator("#messages")).to_contain_text("Done: Delete network “queued-net”")
    assert list(cloud.network.networks(project_id=account.project.id)) == []


def test_on_a_phone_the_sections_fold_into_the_navbar_menu(
    page: Page, live_server: Any, account: KeystoneAccount
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url, account)

    sections = page.get_by_role("navigation", name="Sections")
    expect(sections).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(sections).to_be_visible()
    sections.get_by_role("link", name="Networks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Networks")
