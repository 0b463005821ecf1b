"""A change runs in the background while the page shows it live, then the table updates itself."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from networks.reconcile import reconcile_networks

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]


def test_create_and_delete_a_network_live(
    page: Page, live_server: Any, celery_worker: Any, account: KeystoneAccount, cloud: Any
) -> None:
    sign_in(page, live_server.url, account)
    page.get_by_role("link", name="Networks").click()

    page.get_by_role("link", name="Create network").click()
    page.get_by_label("Name", exact=True).fill("live-net")
    page.get_by_role("button", name="Create network").click()

    status = page.locator(".operation-status").first
    expect(status).to_contain_text("Create network “live-net”")
    expect(status).to_have_attribute("data-status", "succeeded", timeout=30_000)
    page.get_by_role("link", name="Back").click()
    row = page.locator("#object-table tr", has_text="live-net")
    expect(row).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete live-net").click()

    expect(page.locator(".operation-status").first).to_have_attribute(
        "data-status", "succeeded", timeout=30_000
    )
    expect(row).to_have_count(0)
    assert list(cloud.network.networks(project_id=account.project.id)) == []


def test_a_failing_change_shows_its_message(
    page: Page, live_server: Any, celery_worker: Any, account: KeystoneAccount, cloud: Any
) -> None:
    network = cloud.network.create_network(name="in-use", project_id=account.project.id)
    port = cloud.network.create_port(network_id=network.id, device_owner="compute:nova")
    try:
        reconcile_networks(conn=cloud, ids=[network.id])
        sign_in(page, live_server.url, account)
        page.get_by_role("link", name="Networks").click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Delete in-use").click()

        status = page.locator(".operation-status").first
        expect(status).to_have_attribute("data-status", "failed", timeout=30_000)
        expect(status).to_contain_text("Could not delete network “in-use”")
        expect(status).to_contain_text("Neutron 409")
        expect(page.locator("#object-table tr", has_text="in-use")).to_be_visible()
    finally:
        cloud.network.delete_port(port)
        cloud.network.delete_network(network)
