"""The topology picture draws the project and updates itself in place when the cloud changes."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from networks.reconcile import reconcile_networks, reconcile_subnets

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

POSITIONS = (
    "() => Object.fromEntries(window.dashboardTopology.nodes().map(n => [n.id(), n.position()]))"
)


def test_an_element_added_with_the_cli_appears_without_reload_or_moving_others(
    page: Page,
    live_server: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Any,
) -> None:
    first = tenant_connection.network.create_network(name="first-net")
    cleanup(lambda: cloud.network.delete_network(first.id, ignore_missing=True))
    subnet = tenant_connection.network.create_subnet(
        network_id=first.id, ip_version=4, cidr="10.40.0.0/24", name="first-subnet"
    )
    reconcile_networks(conn=cloud, ids=[first.id])
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    sign_in(page, live_server.url, account)
    page.get_by_role("link", name="Topology").click()

    canvas = page.locator("#topology")
    expect(canvas).to_have_attribute("data-nodes", "2")
    expect(page.locator("#topology-list")).to_contain_text("first-subnet 10.40.0.0/24")
    page.evaluate("window.stillTheSamePage = true")
    before = page.evaluate(POSITIONS)

    # What the notification listener does when the CLI creates a network: a targeted reconcile.
    second = tenant_connection.network.create_network(name="second-net")
    cleanup(lambda: cloud.network.delete_network(second.id, ignore_missing=True))
    reconcile_networks(conn=cloud, ids=[second.id])

    expect(canvas).to_have_attribute("data-nodes", "3", timeout=15_000)
    after = page.evaluate(POSITIONS)
    assert page.evaluate("window.stillTheSamePage") is True
    assert f"network:{second.id}" in after
    assert {node: after[node] for node in before} == before

    page.get_by_label("Find in the picture").fill("10.40")
    matched = page.evaluate("window.dashboardTopology.nodes('.match').map(n => n.id())")
    assert matched == [f"subnet:{subnet.id}"]
