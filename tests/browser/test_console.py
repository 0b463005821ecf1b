"""A running server's console, in Chromium against the real cloud: its page shows the boot log
Nova returns, and its console link opens devcloud's noVNC page, which connects through
nova-novncproxy to the server's own VNC server (devcloud's compute driver), draws its text
console and takes keyboard input."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import servers_deleted
from instances.reconcile import reconcile_servers

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

Cleanup = Callable[[Callable[[], Any]], None]
CONNECTS = 30_000  # ms a live read of Nova or the console may take on a busy machine
# A fingerprint of the noVNC canvas, or null while it has no lit pixel (nothing drawn yet).
CANVAS_FINGERPRINT = """() => {
  const canvas = document.querySelector("#screen canvas");
  if (!canvas || !canvas.width || !canvas.height) return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let lit = 0, hash = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] || pixels[i + 1] || pixels[i + 2]) lit++;
    hash = (hash * 31 + pixels[i] + pixels[i + 1] + pixels[i + 2]) >>> 0;
  }
  return lit ? `${lit}:${hash}` : null;
}"""


@pytest.fixture
def running_server(tenant_connection: Any, cloud: Any, cleanup: Cleanup) -> Any:
    """An ACTIVE server of the account's project on a network of its own, mirrored."""
    compute, network = tenant_connection.compute, tenant_connection.network
    net = network.create_network(name="console-net")
    cleanup(lambda: network.delete_network(net, ignore_missing=True))
    subnet = network.create_subnet(network_id=net.id, ip_version=4, cidr="10.62.0.0/24")
    cleanup(lambda: network.delete_subnet(subnet, ignore_missing=True))
    server = compute.create_server(
        name="console",
        flavor_id=compute.find_flavor("m1.nano", ignore_missing=False).id,
        image_id=tenant_connection.image.find_image("cirros-fake", ignore_missing=False).id,
        networks=[{"uuid": net.id}],
    )

    cleanup(lambda: servers_deleted(cloud, server, wait=90))
    server = compute.wait_for_server(server, status="ACTIVE", interval=0.5, wait=120)
    reconcile_servers(conn=cloud, ids=[server.id])
    return server


def test_console_link_opens_a_connected_console_and_the_page_shows_the_boot_log(
    page: Page, live_server: Any, account: KeystoneAccount, running_server: Any
) -> None:
    server = running_server
    sign_in(page, live_server.url, account)
    page.goto(f"{live_server.url}/compute/instances/{server.id}/")

    # The console log, lazy-loaded from Nova: this server's own boot log.
    log = page.locator("#console-log-text")
    expect(log).to_contain_text(f"iid={server.id}", timeout=CONNECTS)
    expect(log).to_contain_text("hostname: console")
    address = server.addresses["console-net"][0]["addr"]
    expect(log).to_contain_text(f"udhcpc: lease of {address} obtained")

    # The console link, minted on click, opens noVNC in a new tab; it connects to this server.
    page.get_by_role("button", name="Open console").click()
    with page.context.expect_page() as opened:
        page.locator("#console-url").click()
    console = opened.value
    expect(console.get_by_role("status")).to_have_text("Connected", timeout=CONNECTS)
    expect(console.locator("#name")).to_contain_text(server.id)
    drawn = console.wait_for_function(CANVAS_FINGERPRINT, timeout=CONNECTS).json_value()

    # Keys typed on the canvas reach the server's console, which redraws.
    console.locator("#screen canvas").click()
    console.keyboard.type("cirros")
    console.keyboard.press("Enter")
    console.wait_for_function(
        f"() => {{ const now = ({CANVAS_FINGERPRINT})(); return now && now !== {drawn!r}; }}",
        timeout=CONNECTS,
    )
    expect(console.get_by_role("status")).to_have_text("Connected")
