"""The topology picture draws the project and updates itself in place when the cloud changes."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from networks.reconcile import reconcile_networks, reconcile_subnets
from networks.tests.test_topology import dual_stack_server

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

POSITIONS = (
    "() => Object.fromEntries(window.dashboardTopology.nodes().map(n => [n.id(), n.position()]))"
)


def mirrored_network(tenant_connection: Any, cloud: Any, cleanup: Any, name: str, cidr: str) -> Any:
    """A network with one IPv4 subnet made with the SDK in the account's project, in the mirror
    (the topology's two first nodes); the subnet."""
    network = tenant_connection.network.create_network(name=name)
    cleanup(lambda: cloud.network.delete_network(network.id, ignore_missing=True))
    subnet = tenant_connection.network.create_subnet(
        network_id=network.id, ip_version=4, cidr=cidr, name=name.replace("-net", "-subnet")
    )
    reconcile_networks(conn=cloud, ids=[network.id])
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    return subnet


def test_an_element_added_with_the_cli_appears_without_reload_or_moving_others(
    page: Page,
    live_server: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Any,
) -> None:
    subnet = mirrored_network(tenant_connection, cloud, cleanup, "first-net", "10.40.0.0/24")
    sign_in(page, live_server.url, account)
    page.get_by_role("link", name="Topology").click()

    canvas = page.locator("#topology")
    expect(canvas).to_have_attribute("data-nodes", "2")
    page.get_by_role("link", name="Skip to the list view").click()  # the list loads when seen
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


def test_labels_show_when_zoomed_in_or_pointed_at_and_are_never_cut_without_the_full_text(
    page: Page, live_server: Any, account: KeystoneAccount
) -> None:
    long_name = "a-subnet-whose-name-is-far-too-long-for-its-box"
    world = dual_stack_server(account.project.id, v6_name=long_name)
    server, v6 = world["server"], world["v6"]
    sign_in(page, live_server.url, account)
    page.goto(f"{live_server.url}/network/topology/")
    expect(page.locator("#topology")).to_have_attribute("data-nodes", "4")

    def edge_label_drawn(zoom: float) -> list[bool]:
        """Whether each edge's label is drawn at this zoom (cytoscape.js draws a label only
        when its font size on screen reaches min-zoomed-font-size)."""
        return list(
            page.evaluate(
                """zoom => { const cy = window.dashboardTopology; cy.zoom(zoom);
                  return cy.edges().map(e => e.pstyle('font-size').pfValue * zoom
                    >= e.pstyle('min-zoomed-font-size').pfValue); }""",
                zoom,
            )
        )

    labels = page.evaluate("window.dashboardTopology.edges().map(e => e.data('label')).sort()")
    assert labels == ["10.0.0.10 ↔ 203.0.113.20", "2001:db8::10, 2001:db8::11"]
    assert edge_label_drawn(0.5) == [False, False]
    assert edge_label_drawn(2) == [True, True]
    wrap = page.evaluate(f"window.dashboardTopology.$id('subnet:{v6.id}').pstyle('text-wrap')")
    assert wrap["strValue"] == "ellipsis"

    edge_label_drawn(0.5)
    page.evaluate(f"window.dashboardTopology.$id('server:{server.id}').emit('mouseover')")
    assert edge_label_drawn(0.5) == [True, True]
    page.evaluate(f"window.dashboardTopology.$id('subnet:{v6.id}').emit('mouseover')")
    expect(page.locator("#topology")).to_have_attribute("title", f"{long_name} 2001:db8::/64")


def test_a_node_the_user_placed_stays_there_when_a_live_update_adds_a_node(
    page: Page,
    live_server: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Any,
) -> None:
    subnet = mirrored_network(tenant_connection, cloud, cleanup, "placed-net", "10.41.0.0/24")
    sign_in(page, live_server.url, account)
    page.goto(f"{live_server.url}/network/topology/")
    canvas = page.locator("#topology")
    expect(canvas).to_have_attribute("data-nodes", "2")

    # Drag the subnet 150 px right and 100 px down, as a user does with the mouse.
    node = f"subnet:{subnet.id}"
    box = canvas.bounding_box()
    assert box is not None
    start = page.evaluate(f"window.dashboardTopology.$id('{node}').renderedPosition()")
    x, y = box["x"] + start["x"], box["y"] + start["y"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 75, y + 50, steps=5)
    page.mouse.move(x + 150, y + 100, steps=5)
    page.mouse.up()
    placed = page.evaluate(f"window.dashboardTopology.$id('{node}').position()")
    stored = page.evaluate(
        f"JSON.parse(localStorage.getItem('topology-placed:{account.project.id}'))"
    )
    assert stored == {node: placed}
    assert placed != page.evaluate(f"window.dashboardTopology.$id('{node}').data('home')")

    second = tenant_connection.network.create_network(name="later-net")
    cleanup(lambda: cloud.network.delete_network(second.id, ignore_missing=True))
    reconcile_networks(conn=cloud, ids=[second.id])

    expect(canvas).to_have_attribute("data-nodes", "3", timeout=15_000)
    assert page.evaluate(f"window.dashboardTopology.$id('{node}').position()") == placed
    page.reload()
    expect(canvas).to_have_attribute("data-nodes", "3")
    assert page.evaluate(f"window.dashboardTopology.$id('{node}').position()") == placed
