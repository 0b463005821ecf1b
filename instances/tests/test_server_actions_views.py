"""Server action pages and API over the mirror: what the partial offers for each state, what a
POST starts, and what is refused before any cloud call (no worker runs here)."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.sessions import CloudSession
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import OTHER_PROJECT
from dashboard.web.permissions import permitted_actions
from instances.factories import FlavorFactory, ServerFactory
from instances.forms import server_actions  # noqa: F401  (declares the servers' actions)
from instances.models import Server
from instances.templatetags.server_actions import server_actions_html
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SubnetFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}


def partial(server: Server, roles: tuple[str, ...] = ("member", "reader")) -> str:
    """The server's action menu for a session of its project with these roles."""
    session = SimpleNamespace(user_id="user", project_id=server.project_id, roles=list(roles))
    may = permitted_actions(cast(CloudSession, session), Server, server)
    return server_actions_html(server, may, csrf_token="token")


def test_partial_offers_what_the_state_allows() -> None:
    running = partial(ServerFactory.build(name="web-1"))
    shut_off = partial(ServerFactory.build(status="SHUTOFF", vm_state="stopped", power_state=4))

    assert ">Shut off</button>" in running
    assert 'hx-confirm="Shut off server “web-1”?"' in running
    assert "Resize…" in running
    assert "Create snapshot…" in running
    assert "Delete server “web-1”?" in running
    assert ">Start</button>" not in running
    assert ">Start</button>" in shut_off
    assert ">Shut off</button>" not in shut_off


def test_partial_of_a_locked_server_offers_no_delete() -> None:
    page = partial(ServerFactory.build(name="web-1", locked=True))

    assert ">Locked</span>" in page
    assert ">Unlock</button>" in page
    assert ">Delete</button>" not in page
    assert ">Shut off</button>" not in page


def test_readers_are_offered_nothing() -> None:
    assert partial(ServerFactory.build(), roles=("reader",)).strip() == ""


def test_the_console_and_its_log_are_offered_to_members_only(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: Any
) -> None:
    server = ServerFactory(project_id=account.project.id, name="web-1")
    url = f"/compute/instances/{server.id}/"
    as_member = signed_in.get(url).content.decode()
    session = signed_in.session
    session["keystone"]["roles"] = ["reader"]
    session.save()

    as_reader = signed_in.get(url).content.decode()

    assert 'id="console-form"' in as_member
    assert 'id="console-log"' in as_member
    assert 'id="console-form"' not in as_reader
    assert 'id="console-log"' not in as_reader
    assert "Nova lets the project's members open the console" in as_reader


def test_a_button_starts_one_operation(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    server = ServerFactory(
        project_id=account.project.id, status="SHUTOFF", vm_state="stopped", name="web-1"
    )

    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(f"/compute/instances/{server.id}/start/", headers=HTMX)

    operation = Operation.objects.get()
    assert len(callbacks) == 1
    assert (operation.action, operation.target_id) == ("instances.server_start", server.id)
    assert operation.params == {"server_id": server.id}
    assert operation.description == "Start server “web-1”"
    assert f'hx-get="/operations/{operation.id}/"' in response.content.decode()


def test_deleting_a_locked_server_is_refused_before_any_cloud_call(
    signed_in: Client, account: KeystoneAccount
) -> None:
    server = ServerFactory(project_id=account.project.id, name="web-1", locked=True)

    page = signed_in.post(f"/compute/instances/{server.id}/delete/", headers=HTMX)
    api = signed_in.post(f"/api/servers/{server.id}/delete/")

    assert "Server “web-1” is locked: unlock it first." in shown(page)
    assert api.status_code == 409
    assert api.json()["detail"] == "Server “web-1” is locked: unlock it first."
    assert not Operation.objects.exists()


def test_an_action_the_state_does_not_allow_says_why(
    signed_in: Client, account: KeystoneAccount
) -> None:
    server = ServerFactory(project_id=account.project.id, name="web-1", status="PAUSED")
    server.vm_state = "paused"
    server.save()

    response = signed_in.post(f"/compute/instances/{server.id}/start/", headers=HTMX)

    assert "Server “web-1” is paused: Start works only when it is shut off." in (shown(response))
    assert not Operation.objects.exists()


def test_resize_form_offers_other_flavors_and_checks_the_disk(
    signed_in: Client, account: KeystoneAccount
) -> None:
    server = ServerFactory(project_id=account.project.id, flavor_name="m1.small", disk=2)
    FlavorFactory(name="m1.small", disk=2)
    bigger, smaller = FlavorFactory(name="m1.big", disk=4), FlavorFactory(name="m1.wee", disk=1)
    url = f"/compute/instances/{server.id}/resize/"

    form = signed_in.get(url).content.decode()
    refused = signed_in.post(url, {"flavor": smaller.id}, headers=HTMX).content.decode()
    started = signed_in.post(url, {"flavor": bigger.id}, headers=HTMX)

    assert "m1.big" in form
    assert "m1.wee" in form
    assert ">m1.small (" not in form
    assert "Nova cannot shrink a disk" in refused
    operation = Operation.objects.get()
    assert started.status_code == 200
    assert operation.params == {
        "server_id": server.id,
        "flavor_id": bigger.id,
        "flavor_name": "m1.big",
    }
    assert operation.description == f"Resize server “{server.name}” to m1.big"


def test_bulk_stop_starts_what_it_may_and_says_why_it_skipped_the_rest(
    signed_in: Client, account: KeystoneAccount
) -> None:
    running = ServerFactory(project_id=account.project.id, name="a")
    stopped = ServerFactory(
        project_id=account.project.id, name="b", status="SHUTOFF", vm_state="stopped"
    )
    foreign = ServerFactory(project_id=OTHER_PROJECT, name="c")

    response = signed_in.post(
        "/compute/instances/bulk/stop/",
        {"pk": [running.id, stopped.id, foreign.id]},
        headers=HTMX,
    )

    body = shown(response)
    assert [op.target_id for op in Operation.objects.all()] == [running.id]
    assert "Server “b” is already shut off: nothing to do." in body
    assert "“c”" not in body


def test_api_actions_answer_202_400_or_404(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    server = ServerFactory(project_id=account.project.id, name="web-1")
    foreign = ServerFactory(project_id=OTHER_PROJECT)

    with django_capture_on_commit_callbacks() as callbacks:
        renamed = signed_in.post(
            f"/api/servers/{server.id}/rename/", {"name": "web-2"}, content_type="application/json"
        )
    empty = signed_in.post(
        f"/api/servers/{server.id}/snapshot/", {"name": ""}, content_type="application/json"
    )
    theirs = signed_in.post(f"/api/servers/{foreign.id}/stop/")

    assert renamed.status_code == 202, renamed.content.decode()
    assert len(callbacks) == 1
    assert renamed.json()["action"] == "instances.server_rename"
    assert empty.status_code == 400
    assert "name" in empty.json()
    assert theirs.status_code == 404
    assert Operation.objects.count() == 1


def test_a_member_without_the_member_role_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    """Nova's default policy keeps every server change to the project's members (and admins)."""
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    server = ServerFactory(project_id=reader.project.id, name="web-1")
    stopped = ServerFactory(
        project_id=reader.project.id, status="SHUTOFF", vm_state="stopped", power_state=4
    )

    listing = client.get("/compute/instances/").content.decode()
    detail = client.get(f"/compute/instances/{server.id}/").content.decode()
    api = client.post(f"/api/servers/{server.id}/stop/")
    renamed = client.post(
        f"/api/servers/{server.id}/rename/", {"name": "web-2"}, content_type="application/json"
    )
    page = client.post(f"/compute/instances/{stopped.id}/start/", headers=HTMX)
    launch = client.get("/compute/instances/launch/")

    assert "Launch instance" not in listing
    assert "selected</button>" not in listing
    assert "server-actions" not in listing
    assert "server-actions" not in detail
    for url in ("stop/", "delete/", "resize/", "rename/", "snapshot/", "security-groups/"):
        assert f"/compute/instances/{server.id}/{url}" not in detail
    assert (api.status_code, renamed.status_code, page.status_code) == (403, 403, 403)
    assert launch.status_code == 403
    assert not Operation.objects.exists()


def test_the_servers_page_maps_floating_ips_with_the_floating_ip_forms(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    """Networks' associate and disassociate (one service each) on the server's page: the
    server's ports only, and the operation on the server."""
    project = account.project.id
    addresses = [("10.40.0.5", "fixed"), ("10.40.0.6", "fixed"), ("203.0.113.10", "floating")]
    server = ServerFactory(
        project_id=project,
        name="web-1",
        addresses={
            "app": [
                {"version": 4, "addr": addr, "OS-EXT-IPS:type": kind} for addr, kind in addresses
            ]
        },
    )
    external = NetworkFactory(external=True, name="public")
    router = RouterFactory(project_id=project, external_network=external)
    subnet = SubnetFactory(project_id=project, cidr="10.40.0.0/24")
    RouterInterfaceFactory(
        project_id=project,
        router=router,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.40.0.1"}],
    )
    port = PortFactory(
        project_id=project,
        name="nic",
        network=subnet.network,
        device_id=server.id,
        device_owner="compute:nova",
        fixed_ips=[
            {"subnet_id": subnet.id, "ip_address": "10.40.0.5"},
            {"subnet_id": subnet.id, "ip_address": "10.40.0.6"},
        ],
    )
    PortFactory(project_id=project, name="elsewhere", network=subnet.network)
    free = FloatingIPFactory(
        project_id=project, floating_network=external, floating_ip_address="203.0.113.9"
    )
    mapped = FloatingIPFactory(
        project_id=project,
        floating_network=external,
        floating_ip_address="203.0.113.10",
        port=port,
        fixed_ip_address="10.40.0.6",
    )
    url = f"/compute/instances/{server.id}/floating-ips/"

    page = signed_in.get(f"{url}associate/").content.decode()
    with django_capture_on_commit_callbacks():
        signed_in.post(
            f"{url}associate/",
            {"port_id": port.id, "fixed_ip_address": "10.40.0.5", "floating_ip": free.id},
            headers=HTMX,
        )
    associated = Operation.objects.get()
    associated.delete()  # one unfinished operation per server
    with django_capture_on_commit_callbacks():
        response = signed_in.post(
            f"/api/servers/{server.id}/floating-ip-disassociate/", {"floating_ip": mapped.id}
        )

    assert "nic (10.40.0.5, 10.40.0.6)" in page
    assert "elsewhere" not in page
    assert "Or allocate a new one from" in page
    assert (associated.action, associated.target_type) == (
        "networks.floating_ip_associate",
        "server",
    )
    assert associated.target_id == server.id
    assert (
        associated.description == "Associate floating IP 203.0.113.9 to server “web-1” (10.40.0.5)"
    )
    assert associated.params == {
        "port_id": port.id,
        "fixed_ip_address": "10.40.0.5",
        "port_name": "nic",
        "floating_ip_id": free.id,
    }
    assert response.status_code == 202, response.content.decode()
    disassociated = Operation.objects.get()
    assert disassociated.action == "networks.floating_ip_disassociate"
    assert disassociated.target_id == server.id
    assert disassociated.description == (
        "Disassociate floating IP 203.0.113.10 from server “web-1”"
    )
    assert disassociated.params == {"floating_ip_id": mapped.id}
