"""An instance's life as a tenant lives it, in Chromium, against the real cloud (fake virt driver)
and a real worker: launch on a tenant network with a key pair the launch generates, watch the
server go ACTIVE without reloading, associate a floating IP from its page, open the console
link, shut it off and delete it. The network and its router come from the SDK: the L3 story
builds those through the pages."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import servers_deleted, wait_until
from instances.models import Server
from instances.reconcile import reconcile_flavors, reconcile_images
from instances.tests.keys import delete_user_keypairs
from networks.reconcile import reconcile_all, reconcile_networks, reconcile_subnets

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

Cleanup = Callable[[Callable[[], Any]], None]
DONE = 30_000  # ms an operation may take on a busy machine
SETTLES = 90_000  # ms a server may take to build, or to shut off
NOVNC_LINK = re.compile(r"^http://127\.0\.0\.1:6080/vnc_lite\.html\?path=")


def succeeded(page: Page) -> None:
    """The newest operation status box on the page ends succeeded."""
    status = page.locator(".operation-status").first
    expect(status).to_have_attribute("data-status", "succeeded", timeout=DONE)


def more_actions(page: Page, server: str) -> None:
    page.get_by_role("button", name=f"More actions on {server}").click()


@pytest.fixture
def routed_network(
    account: KeystoneAccount, tenant_connection: Any, cloud: Any, cleanup: Cleanup
) -> Any:
    """A tenant network whose subnet reaches `public` through a router, all mirrored."""
    net = tenant_connection.network
    public = cloud.network.find_network("public", ignore_missing=False)
    network = net.create_network(name="story-net")
    cleanup(lambda: net.delete_network(network, ignore_missing=True))
    subnet = net.create_subnet(network_id=network.id, cidr="10.61.0.0/24", ip_version=4)
    cleanup(lambda: net.delete_subnet(subnet, ignore_missing=True))
    router = net.create_router(name="story-router", external_gateway_info={"network_id": public.id})
    cleanup(lambda: net.delete_router(router, ignore_missing=True))
    net.add_interface_to_router(router, subnet_id=subnet.id)
    cleanup(lambda: net.remove_interface_from_router(router, subnet_id=subnet.id))
    reconcile_all(conn=cloud, project_id=account.project.id)
    reconcile_networks(conn=cloud, ids=[public.id])
    reconcile_subnets(conn=cloud, project_id=public.project_id)
    reconcile_images(conn=cloud, ids=[cloud.image.find_image("cirros-fake").id])
    reconcile_flavors(conn=cloud)
    return network


def test_launch_watch_active_floating_ip_console_shut_off_and_delete(
    page: Page,
    live_server: Any,
    celery_worker: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    routed_network: Any,
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    cleanup(lambda: delete_user_keypairs(cloud, account.user_id))
    cleanup(
        lambda: [
            tenant_connection.network.delete_ip(ip)
            for ip in tenant_connection.network.ips(project_id=account.project.id)
        ]
    )
    # A story stopped before its own delete leaves the server: gone, with its port, before the
    # network's clean-up (cleanups run last first).
    cleanup(
        lambda: servers_deleted(
            cloud, *cloud.compute.servers(all_projects=True, project_id=account.project.id)
        )
    )
    sign_in(page, live_server.url, account)

    # Launch, with a key pair the launch generates: its private key is shown once.
    page.get_by_role("link", name="Instances").click()
    page.get_by_role("link", name="Launch instance").click()
    page.get_by_label("Name", exact=True).fill("story")
    page.get_by_label("Image").select_option(cloud.image.find_image("cirros-fake").id)
    page.get_by_label("Flavor").select_option(cloud.compute.find_flavor("m1.nano").id)
    page.locator("#id_nics_1").select_option(f"network:{routed_network.id}")
    page.get_by_label("Or a new key pair").fill("story-key")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page.locator("#private-key")).to_contain_text("BEGIN OPENSSH PRIVATE KEY")
    succeeded(page)
    page.locator(".operation-status").first.get_by_role("link", name="Open").click()

    # The page follows the build from the mirror, without a reload.
    body = page.locator("#object-body")
    expect(body).to_have_attribute("data-status", "ACTIVE", timeout=SETTLES)
    expect(body).to_contain_text("story-key")
    server = Server.objects.get(project_id=account.project.id, name="story")
    assert tenant_connection.compute.get_server(server.id).key_name == "story-key"

    # Its port reaches the mirror right after the server settles; the open page shows it live.
    expect(page.locator("#server-ports tr[id^='port-']")).to_have_count(1, timeout=SETTLES)

    # A floating IP from `public`, associated from the instance's page.
    more_actions(page, "story")
    page.get_by_role("link", name="Associate floating IP story").click()
    page.get_by_label("Or allocate a new one from").select_option(label="public")
    page.get_by_role("button", name="Associate", exact=True).click()
    succeeded(page)
    floating = next(tenant_connection.network.ips(project_id=account.project.id))
    page.goto(f"{live_server.url}/compute/instances/{server.id}/")
    expect(page.locator("#object-body")).to_contain_text(
        floating.floating_ip_address, timeout=SETTLES
    )

    # A console link, minted on click.
    page.get_by_role("button", name="Open console").click()
    expect(page.locator("#console-url")).to_have_attribute("href", NOVNC_LINK)

    # Shut off, watched live; then delete.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Shut off story").click()
    succeeded(page)
    expect(page.locator("#object-body")).to_have_attribute(
        "data-status", "SHUTOFF", timeout=SETTLES
    )
    more_actions(page, "story")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete story").click()
    # Once deleted, its page goes back to the list, which says so.
    expect(page).to_have_url(f"{live_server.url}/compute/instances/", timeout=SETTLES)
    expect(page.locator("#messages")).to_contain_text("Done:")
    wait_until(
        lambda: tenant_connection.compute.find_server(server.id) is None or None,
        timeout=SETTLES / 1000,
        what="the server deleted in Nova",
    )
