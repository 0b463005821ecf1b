"""Open pages follow the mirror by themselves: a change made outside the dashboard (openstacksdk,
as the CLI would) reaches the mirror through the notification listener, and the open page shows
it without a reload, keeping what the user did on it."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, Response, Route, expect

from dashboard.mirror.listener import NotificationListener
from dashboard.mirror.live import mirror_changed
from dashboard.mirror.scopes import project_scope
from dashboard.operations.models import Operation
from dashboard.operations.services import operation_claim
from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import wait_until
from instances.factories import ServerFactory
from networks.models import Network
from tenants.factories import ProjectFactory, quotas_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.cloud,
    pytest.mark.django_db(transaction=True),
    pytest.mark.shared_account,
]

BOUND_MS = 30_000
Open = Callable[[str], None]
MakeNetwork = Callable[[str], Any]


@pytest.fixture
def open_page(
    page: Page, live_server: Any, account: KeystoneAccount, listener: NotificationListener
) -> Open:
    """Opens a path in Chromium signed in as `account`, while the notification listener keeps
    the mirror following the cloud."""
    sign_in(page, live_server.url, account)

    def open_path(path: str) -> None:
        page.goto(f"{live_server.url}{path}")

    return open_path


@pytest.fixture
def make_network(
    tenant_connection: Any, cleanup: Callable[[Callable[[], Any]], None]
) -> MakeNetwork:
    """Makes a network in the account's project with openstacksdk, as the CLI would."""

    def make(name: str) -> Any:
        network = tenant_connection.network.create_network(name=name)
        cleanup(lambda: tenant_connection.network.delete_network(network.id, ignore_missing=True))
        return network

    return make


def test_a_network_made_outside_appears_on_an_open_filtered_list_keeping_selection_and_scroll(
    page: Page, open_page: Open, make_network: MakeNetwork, account: KeystoneAccount
) -> None:
    for name in [*(f"live-{n:02d}" for n in range(20)), "filtered-out"]:
        Network.objects.create(
            id=str(uuid.uuid4()), project_id=account.project.id, name=name, synced_at=timezone.now()
        )
    page.set_viewport_size({"width": 1200, "height": 400})
    open_page(reverse("networks:network_list"))
    page.get_by_placeholder("Search").fill("live-")
    page.wait_for_url("**q=live-**")
    table = page.locator("#object-table")
    expect(table).not_to_contain_text("filtered-out")
    selected = table.locator("tbody tr", has_text="live-03").get_by_role("checkbox")
    selected.check()
    page.evaluate("window.scrollTo(0, 200)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0

    network = make_network("live-sdk")

    expect(page.locator(f"#network-{network.id}")).to_be_visible(timeout=BOUND_MS)
    expect(selected).to_be_checked()
    expect(selected).to_be_focused()
    expect(table).not_to_contain_text("filtered-out")
    expect(page.get_by_placeholder("Search")).to_have_value("live-")
    assert "q=live-" in page.url
    assert page.evaluate("window.scrollY") == scrolled


def test_a_detail_page_says_when_its_object_is_deleted_outside(
    page: Page, open_page: Open, make_network: MakeNetwork, tenant_connection: Any
) -> None:
    network = make_network("doomed-live")
    wait_until(
        lambda: Network.objects.filter(pk=network.id).first(),
        timeout=BOUND_MS / 1000,
        what="the listener mirroring the new network",
    )
    open_page(reverse("networks:network_detail", args=[network.id]))
    expect(page.get_by_role("heading", name="Network “doomed-live”")).to_be_visible()

    tenant_connection.network.delete_network(network.id)

    banner = page.locator("#object-gone")
    expect(banner).to_contain_text("This network no longer exists", timeout=BOUND_MS)
    expect(banner).to_contain_text("deleted outside the dashboard")
    expect(page.locator("#object-body")).to_have_attribute("inert", "")
    expect(page.locator("#messages")).to_be_empty()
    banner.get_by_role("link", name="Back to the list").click()
    page.wait_for_url(f"**{reverse('networks:network_list')}")


def test_a_live_part_holding_a_form_being_filled_in_waits_until_the_form_is_left_as_it_was(
    page: Page, open_page: Open, make_network: MakeNetwork
) -> None:
    """No live part of today's pages holds a text field, so the test puts a form in the table,
    as a page that did would have it."""
    open_page(reverse("networks:network_list"))
    page.locator("#object-table").evaluate(
        "part => part.insertAdjacentHTML('beforeend', "
        '\'<form id="typing"><input aria-label="Note" name="note"></form>\')'
    )
    note = page.get_by_label("Note")
    note.fill("half-typed")

    network = make_network("while-typing")

    expect(page.locator("#object-table")).to_have_attribute("data-live-stale", "", timeout=BOUND_MS)
    expect(note).to_have_value("half-typed")
    expect(page.locator(f"#network-{network.id}")).to_have_count(0)
    note.fill("")
    note.blur()
    expect(page.locator(f"#network-{network.id}")).to_be_visible(timeout=BOUND_MS)


def add_menu_to_table(page: Page) -> None:
    """A Bootstrap menu in the live table, as a row's actions are."""
    page.locator("#object-table").evaluate(
        "part => part.insertAdjacentHTML('beforeend', '<div class=\"dropdown\">"
        '<button type="button" data-bs-toggle="dropdown">Menu</button>'
        '<ul class="dropdown-menu"><li><a class="dropdown-item" href="#">Item</a></li>'
        "</ul></div>')"
    )


def the_table_waits_for_the_menu(page: Page, item: Locator, network_id: str) -> None:
    """The table kept the open menu and left out the new network until the menu closed."""
    expect(page.locator("#object-table")).to_have_attribute("data-live-stale", "", timeout=BOUND_MS)
    expect(item).to_be_visible()
    expect(page.locator(f"#network-{network_id}")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator(f"#network-{network_id}")).to_be_visible(timeout=BOUND_MS)


def test_a_live_part_with_a_menu_open_waits_until_the_menu_closes(
    page: Page, open_page: Open, make_network: MakeNetwork
) -> None:
    """A reload would take the menu away under the pointer (the instances' action menus sit in
    live parts). The test puts a Bootstrap menu in the table, as a row's actions are."""
    open_page(reverse("networks:network_list"))
    add_menu_to_table(page)
    page.get_by_role("button", name="Menu").click()
    item = page.get_by_role("link", name="Item")
    expect(item).to_be_visible()

    network = make_network("while-menu-open")

    the_table_waits_for_the_menu(page, item, network.id)


def test_a_reload_on_its_way_when_a_menu_opens_waits_too(
    page: Page, open_page: Open, make_network: MakeNetwork
) -> None:
    """The reload left before the menu opened and answers after it did (the instance story's
    race on CI): its answer waits until the menu closes, like a reload asked for meanwhile."""
    open_page(reverse("networks:network_list"))
    add_menu_to_table(page)
    held: list[Route] = []
    page.route(lambda url: "/network/networks/" in url, lambda route: held.append(route))

    network = make_network("while-reload-held")
    for _ in range(BOUND_MS // 100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the table did not reload"
    page.get_by_role("button", name="Menu").click()
    item = page.get_by_role("link", name="Item")
    expect(item).to_be_visible()
    held[0].continue_()
    page.unroute_all()

    the_table_waits_for_the_menu(page, item, network.id)


def test_a_building_servers_menu_stays_open_through_its_rows_timed_reloads(
    page: Page, open_page: Open, account: KeystoneAccount
) -> None:
    """A row Nova is still working on reloads itself every 2 s (`load delay:2s`, no triggering
    event): with its Actions menu open, the reload waits until the menu closes, as the table's
    own reloads do. The menu is opened in a row its own reload has already replaced once."""
    server = ServerFactory(project_id=account.project.id, status="BUILD", vm_state="building")
    open_page(reverse("instances:server_list"))
    row = page.locator(f"#server-{server.id}")
    expect(row).to_have_attribute("hx-trigger", "load delay:2s")
    row.evaluate("element => { element.dataset.asLoaded = '' }")
    expect(row).not_to_have_attribute("data-as-loaded", "", timeout=BOUND_MS)
    row.get_by_role("button", name="Actions").click()
    menu = row.locator(".dropdown-menu")
    expect(menu).to_be_visible()

    expect(row).to_have_attribute("data-live-stale", "", timeout=BOUND_MS)
    page.wait_for_timeout(2_500)  # another reload's time
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(f"#server-{server.id}")).not_to_have_attribute(
        "data-live-stale", "", timeout=BOUND_MS
    )


def test_another_users_operation_shows_on_an_open_activity_page(
    page: Page, open_page: Open, account: KeystoneAccount
) -> None:
    open_page(reverse("operations:activity"))
    expect(page.locator("#activity-table")).to_be_visible()
    operation = Operation.objects.create(
        action="networks.network_create",
        description="Create network “from-another-tab”",
        target_type="network",
        project_id=account.project.id,
        user_id="someone-else",
        user_name="bob",
    )

    # What a worker does first with it.
    operation_claim(operation_id=str(operation.pk), task_id=str(operation.task_id))

    row = page.locator("#activity-table tr", has_text="from-another-tab")
    expect(row).to_contain_text("Running", timeout=BOUND_MS)
    expect(row).to_contain_text("bob")


def test_an_administrators_open_quota_table_follows_another_projects_change(
    page: Page, live_server: Any, admin: KeystoneAccount
) -> None:
    """The table lists every project, so its page polls every project's version (`all=1`): a
    server another project gained shows in its row without a reload."""
    busy = ProjectFactory(name="busy")
    quotas_for(busy.id, compute_instances=(10, 0))
    ServerFactory(project_id=busy.id)
    sign_in(page, live_server.url, admin)
    table = f"{live_server.url}{reverse('tenants:admin_quotas')}"

    def polled(response: Response) -> bool:
        return "/mirror/version/" in response.url and response.frame.url == table

    with page.expect_response(polled, timeout=BOUND_MS) as first_poll:
        page.goto(table)
    row = page.locator("tr", has_text="busy")
    expect(row).to_contain_text("1 / 10")
    # The page and its poll agree on the version: nothing moved, nothing to reload.
    page_version = page.locator("body").get_attribute("data-mirror-version")
    assert first_poll.value.json()["version"] == page_version

    ServerFactory(project_id=busy.id)
    mirror_changed(scopes={project_scope(busy.id)})  # as the reconcile's write does

    expect(row).to_contain_text("2 / 10", timeout=BOUND_MS)
