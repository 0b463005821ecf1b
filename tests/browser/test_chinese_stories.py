"""The L3 story and the launch story read in Chinese (Accept-Language zh-Hans, locale zh-CN), in
Chromium against the real cloud and a real worker: each page is in Chinese (its heading, its
button, no English sentence of ours: tests/english.py), and a network named “测试网络” shows as
it is on its list, its page, the topology (the label drawn on its node) and Activity.

Forms are filled by field name, not label (the labels are Chinese); the English stories
(test_l3_story.py, test_instance_story.py) check the same flows step by step. A screenshot of
each step goes to var/test-artifacts/zh-stories/ (bin/test prints where), to look at the glyphs.
"""

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import servers_deleted
from instances.models import Server
from instances.reconcile import reconcile_flavors, reconcile_images
from instances.tests.keys import delete_user_keypairs
from networks.models import Network, Router, Subnet
from networks.reconcile import reconcile_networks, reconcile_subnets
from tests.english import english_in, visible_texts

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

Cleanup = Callable[[Callable[[], Any]], None]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "zh-stories"
NETWORK_NAME = "测试网络"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
DONE = 30_000  # ms an operation may take on a busy machine
SETTLES = 90_000  # ms a server may take to build


@pytest.fixture(scope="module", autouse=True)
def _chinese_font_and_fresh_screenshots() -> None:
    """Without a CJK font every Chinese glyph is drawn as a box, and no test would notice; the
    screenshots of an earlier run are removed, so the directory shows this run's."""
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    if not fonts.stdout.strip():
        pytest.fail("No Chinese font (fc-list :lang=zh): run bin/setup --tests (fonts-noto-cjk).")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "extra_http_headers": {"Accept-Language": "zh-Hans"},
    }


def delete_what_the_story_made(cloud: Any, project_id: str) -> None:
    """Everything a story made in its project, whatever step it stopped at."""
    servers_deleted(
        cloud,
        *cloud.compute.servers(all_projects=True, project_id=project_id),
        wait=SETTLES / 1000,
    )
    for ip in cloud.network.ips(project_id=project_id):
        cloud.network.delete_ip(ip)
    for router in cloud.network.routers(project_id=project_id):
        for port in cloud.network.ports(
            device_id=router.id, device_owner="network:router_interface"
        ):
            cloud.network.remove_interface_from_router(router, port_id=port.id)
        cloud.network.delete_router(router)
    for network in cloud.network.networks(project_id=project_id):
        cloud.network.delete_network(network)


# The cloud's names, not ours: the external network, and the roles the overview lists.
CLOUD_NAMES = ("public", "member", "reader")


def reads_chinese(page: Page, step: str, *, names: tuple[str, ...] = ()) -> None:
    """The page's heading is Chinese and no English sentence of ours is left; a screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a style the Content Security Policy refuses.
    page.screenshot(path=SCREENSHOTS / f"{step}.png", full_page=True, caret="initial")
    heading = page.locator("h1").first
    expect(heading, f"{step}: the heading of {page.url} is not Chinese").to_have_text(CHINESE)
    english = english_in(visible_texts(page.content()), allowed={*names, *CLOUD_NAMES})
    assert not english, f"{step}: {page.url} still shows English: {english}"


def sign_in_zh(page: Page, base_url: str, account: KeystoneAccount) -> None:
    page.goto(f"{base_url}/auth/login/")
    reads_chinese(page, "00-sign-in")
    page.locator("input[name=username]").fill(account.username)
    page.locator("input[name=password]").fill(account.password)
    page.locator("form [type=submit]").first.click()
    page.wait_for_url(f"{base_url}/")


def submit(page: Page) -> None:
    """Send the page's form (its button is Chinese) and wait for the operation to succeed."""
    button = page.locator("#object-form [type=submit]").last
    expect(button, f"the button of {page.url} is not Chinese").to_have_text(CHINESE)
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    status = page.locator(".operation-status").first
    expect(status).to_have_attribute("data-status", "succeeded", timeout=DONE)


def test_the_l3_story_in_chinese_and_a_chinese_network_name_everywhere(
    page: Page,
    live_server: Any,
    celery_worker: Any,
    account: KeystoneAccount,
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    cleanup(lambda: delete_what_the_story_made(cloud, account.project.id))
    public = cloud.network.find_network("public", ignore_missing=False)
    reconcile_networks(conn=cloud, ids=[public.id])
    reconcile_subnets(conn=cloud, project_id=public.project_id)
    project = account.project.id
    names = (NETWORK_NAME, "测试子网", "测试路由器", account.username, account.project.name)
    url = live_server.url
    sign_in_zh(page, url, account)
    reads_chinese(page, "01-overview", names=names)

    page.goto(f"{url}/network/networks/create/")
    reads_chinese(page, "02-network-create", names=names)
    page.locator("#object-form [name=name]").fill(NETWORK_NAME)
    page.locator("#object-form [name=subnet_name]").fill("测试子网")
    page.locator("#object-form [name=cidr]").fill("10.52.0.0/24")
    submit(page)
    network = Network.objects.get(project_id=project, name=NETWORK_NAME)
    subnet = Subnet.objects.get(project_id=project, network=network)

    page.goto(f"{url}/network/networks/")
    expect(page.locator("#object-table")).to_contain_text(NETWORK_NAME)
    reads_chinese(page, "03-network-list", names=names)
    page.goto(f"{url}/network/networks/{network.id}/")
    expect(page.locator("h1")).to_contain_text(NETWORK_NAME)
    reads_chinese(page, "04-network-detail", names=names)

    page.goto(f"{url}/network/routers/create/")
    page.locator("#object-form [name=name]").fill("测试路由器")
    submit(page)
    router = Router.objects.get(project_id=project, name="测试路由器")
    page.goto(f"{url}/network/routers/{router.id}/gateway/")
    reads_chinese(page, "05-router-gateway", names=names)
    page.locator("#object-form [name=external_network_id]").select_option(public.id)
    submit(page)
    page.goto(f"{url}/network/routers/{router.id}/interfaces/add/")
    page.locator("#object-form [name=subnet_id]").select_option(subnet.id)
    submit(page)
    page.goto(f"{url}/network/routers/{router.id}/")
    expect(page.locator("#router-interfaces")).to_contain_text("10.52.0.1")
    reads_chinese(page, "06-router-detail", names=names)

    page.goto(f"{url}/network/floating-ips/allocate/")
    reads_chinese(page, "07-floating-ip-allocate", names=names)
    page.locator("#object-form select").first.select_option(public.id)
    submit(page)
    page.goto(f"{url}/network/floating-ips/")
    reads_chinese(page, "08-floating-ip-list", names=names)

    # The topology draws the Chinese name on the network's node.
    page.goto(f"{url}/network/topology/")
    expect(page.locator("#topology")).to_have_attribute("data-nodes", re.compile(r"[1-9]"))
    labels = page.evaluate("window.dashboardTopology.nodes().map(n => n.pstyle('label').strValue)")
    assert any(NETWORK_NAME in label for label in labels), labels
    reads_chinese(page, "09-topology", names=names)

    page.goto(f"{url}/activity/")
    expect(page.locator("main")).to_contain_text(NETWORK_NAME)
    reads_chinese(page, "10-activity", names=names)


def test_the_launch_story_in_chinese(
    page: Page,
    live_server: Any,
    celery_worker: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    cleanup(lambda: delete_what_the_story_made(cloud, account.project.id))
    cleanup(lambda: delete_user_keypairs(cloud, account.user_id))
    net = tenant_connection.network
    network = net.create_network(name=NETWORK_NAME)
    subnet = net.create_subnet(network_id=network.id, cidr="10.62.0.0/24", ip_version=4)
    reconcile_networks(conn=cloud, ids=[network.id])
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    image = cloud.image.find_image("cirros-fake", ignore_missing=False)
    reconcile_images(conn=cloud, ids=[image.id])
    reconcile_flavors(conn=cloud)
    names = (NETWORK_NAME, "测试实例", "zh-key-1", account.username, account.project.name)
    url = live_server.url
    sign_in_zh(page, url, account)
    page.goto(f"{url}/compute/instances/launch/")
    reads_chinese(page, "20-launch", names=(*names, image.name, "m1.nano"))
    form = page.locator("#object-form")
    form.locator("[name=name]").fill("测试实例")
    form.locator("[name=image_id]").select_option(image.id)
    form.locator("[name=flavor_id]").select_option(cloud.compute.find_flavor("m1.nano").id)
    page.locator("#id_nics_1").select_option(f"network:{network.id}")
    form.locator("[name=new_key_name]").fill("zh-key-1")
    form.locator("[type=submit]").last.click()
    expect(page.locator("#private-key")).to_contain_text("BEGIN OPENSSH PRIVATE KEY")
    status = page.locator(".operation-status").first
    expect(status).to_have_attribute("data-status", "succeeded", timeout=DONE)
    reads_chinese(page, "21-launched", names=names)

    server = Server.objects.get(project_id=account.project.id, name="测试实例")
    page.goto(f"{url}/compute/instances/{server.id}/")
    body = page.locator("#object-body")
    expect(body).to_have_attribute("data-status", "ACTIVE", timeout=SETTLES)
    expect(body).to_contain_text(NETWORK_NAME, timeout=SETTLES)
    reads_chinese(page, "22-instance-detail", names=(*names, image.name, "m1.nano"))
    page.goto(f"{url}/compute/instances/")
    reads_chinese(page, "23-instance-list", names=(*names, image.name, "m1.nano"))
