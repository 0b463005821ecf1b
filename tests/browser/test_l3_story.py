"""The full L3 story a tenant lives, in Chromium, against the real cloud and a real worker:
network with a subnet, router, gateway with a chosen fixed IP, the subnet as an interface, a
static route, a floating IP allocated and associated with a port; then all of it undone."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from networks.models import Network, Port, Subnet
from networks.reconcile import reconcile_networks, reconcile_subnets

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

DONE = 30_000  # ms an operation may take on a busy machine


def finish(page: Page, button: str, *, open_result: bool = False) -> None:
    """Submit with `button`, accept any confirmation, wait for the operation to succeed."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=button, exact=True).click()
    status = page.locator(".operation-status").first
    expect(status).to_have_attribute("data-status", "succeeded", timeout=DONE)
    if open_result:
        status.get_by_role("link", name="Open").click()


def finish_deleting(page: Page, button: str, list_url: str) -> None:
    """Delete the object of the page with `button`: once done, the page goes back to the list,
    which says so."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(list_url, timeout=DONE)
    expect(page.locator("#messages")).to_contain_text("Done:")


def test_network_router_gateway_interface_route_floating_ip_and_back(
    page: Page,
    live_server: Any,
    celery_worker: Any,
    account: KeystoneAccount,
    cloud: Any,
) -> None:
    public = cloud.network.find_network("public", ignore_missing=False)
    # The seeded subnet by name: a bench may have added one of its own to the network.
    public_subnet = cloud.network.find_subnet(
        "public-subnet", network_id=public.id, ignore_missing=False
    )
    reconcile_networks(conn=cloud, ids=[public.id])
    reconcile_subnets(conn=cloud, ids=[public_subnet.id])
    project = account.project.id
    sign_in(page, live_server.url, account)

    # A network with its first subnet, in one form.
    page.get_by_role("link", name="Networks").click()
    page.get_by_role("link", name="Create network").click()
    page.get_by_label("Name", exact=True).fill("app-net")
    page.get_by_label("Subnet name").fill("app-subnet")
    page.get_by_label("CIDR").fill("10.50.0.0/24")
    finish(page, "Create network")
    subnet = Subnet.objects.get(project_id=project, name="app-subnet")

    # A router, its gateway on `public` at an address of our choosing.
    page.get_by_role("link", name="Routers").click()
    page.get_by_role("link", name="Create router").click()
    page.get_by_label("Name", exact=True).fill("edge")
    finish(page, "Create router", open_result=True)
    page.get_by_role("link", name="Set gateway").click()
    page.get_by_label("External network").select_option(public.id)
    page.get_by_label("Gateway subnet").select_option(public_subnet.id)
    page.get_by_label("Gateway address").fill("203.0.113.77")
    finish(page, "Set gateway", open_result=True)
    expect(page.locator("#router-gateway")).to_contain_text("203.0.113.77")

    # The subnet as an interface, and a static route through it.
    page.get_by_role("link", name="Add interface").click()
    page.get_by_label("Subnet", exact=True).select_option(subnet.id)
    finish(page, "Add interface", open_result=True)
    expect(page.locator("#router-interfaces")).to_contain_text("10.50.0.1")
    page.get_by_role("link", name="Add route").click()
    page.get_by_label("Destination").fill("192.168.77.0/24")
    page.get_by_label("Next hop").fill("10.50.0.9")
    finish(page, "Add route", open_result=True)
    expect(page.locator("#router-routes")).to_contain_text("192.168.77.0/24")

    # A port on the network, and a floating IP associated with it.
    page.get_by_role("link", name="Ports").click()
    page.get_by_role("link", name="Create port").click()
    page.get_by_label("Name", exact=True).fill("app-port")
    page.get_by_label("Network").select_option(subnet.network_id)
    finish(page, "Create port")
    port = Port.objects.get(project_id=project, name="app-port")
    page.get_by_role("link", name="Floating IPs").click()
    page.get_by_role("link", name="Allocate floating IP").click()
    page.get_by_label("External network").select_option(public.id)
    finish(page, "Allocate", open_result=True)
    page.get_by_role("link", name="Associate").click()
    page.get_by_label("Port").select_option(port.id)
    finish(page, "Associate", open_result=True)
    fixed_ip = port.fixed_ips[0]["ip_address"]
    expect(page.locator("main")).to_contain_text(fixed_ip)
    floating = next(iter(cloud.network.ips(project_id=project)))
    assert (floating.port_id, floating.fixed_ip_address) == (port.id, fixed_ip)

    # And back: disassociate and release, route, interface, gateway, router, port, network.
    floating_url = page.url
    finish(page, "Disassociate")
    page.goto(floating_url)
    finish_deleting(page, "Release", f"{live_server.url}/network/floating-ips/")
    router = next(iter(cloud.network.routers(project_id=project)))
    page.goto(f"{live_server.url}/network/routers/{router.id}/")
    finish(page, "Remove route 192.168.77.0/24 via 10.50.0.9")
    page.goto(f"{live_server.url}/network/routers/{router.id}/")
    page.get_by_role("button", name="Remove the interface on", exact=False).click()
    expect(page.locator(".operation-status").first).to_have_attribute(
        "data-status", "succeeded", timeout=DONE
    )
    page.goto(f"{live_server.url}/network/routers/{router.id}/")
    finish(page, "Clear gateway")
    page.goto(f"{live_server.url}/network/routers/{router.id}/")
    finish_deleting(page, "Delete", f"{live_server.url}/network/routers/")
    page.goto(f"{live_server.url}/network/ports/")
    finish(page, "Delete app-port")
    page.goto(f"{live_server.url}/network/networks/")
    finish(page, "Delete app-net")

    assert list(cloud.network.routers(project_id=project)) == []
    assert list(cloud.network.ips(project_id=project)) == []
    assert list(cloud.network.ports(project_id=project)) == []
    assert list(cloud.network.networks(project_id=project)) == []
    assert not Network.objects.filter(project_id=project).exists()
