"""Server lifecycle actions end to end: API -> Operation -> real worker -> real Nova (fake virt
driver) and Neutron -> mirror, including the follow-up reconciles that watch a server settle.

Each test boots its servers as the tenant through the SDK and runs many actions on them in
sequence, to keep the wall time modest.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import activity
from dashboard.testing.waiting import operation_finished, servers_deleted, wait_until
from instances.models import Image, Server
from instances.reconcile import reconcile_flavors, reconcile_images, reconcile_servers
from networks.reconcile import reconcile_all, reconcile_networks, reconcile_subnets

pytestmark = [pytest.mark.cloud]

Cleanup = Callable[[Callable[[], Any]], None]
SETTLE_TIMEOUT = 60


def act(client: Client, server_id: str, action: str, **data: Any) -> Operation:
    """POST the action to the API and wait for its operation to succeed."""
    response = client.post(
        f"/api/servers/{server_id}/{action}/", data, content_type="application/json"
    )
    assert response.status_code == 202, response.content.decode()
    operation = operation_finished(response.json()["id"], timeout=90)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    return operation


def settled(server_id: str, check: Callable[[Server], bool], what: str) -> Server:
    """The mirror row once follow-up reconciles show Nova done and `check` true."""

    def row() -> Server | None:
        server = Server.objects.filter(pk=server_id, task_state="").first()
        return server if server is not None and check(server) else None

    return wait_until(
        row,
        timeout=SETTLE_TIMEOUT,
        interval=0.3,
        what=what,
        details=lambda: repr(
            Server.objects.filter(pk=server_id)
            .values("status", "task_state", "vm_state", "locked", "addresses")
            .first()
        ),
    )


def in_status(server_id: str, status: str) -> Server:
    return settled(server_id, lambda server: server.status == status, f"server in {status}")


@pytest.fixture
def tenant_network(tenant_connection: Any, cleanup: Cleanup) -> Any:
    """A network with an IPv4 subnet in the tenant's project."""
    network = tenant_connection.network.create_network(name="actions-net")
    cleanup(lambda: tenant_connection.network.delete_network(network, ignore_missing=True))
    subnet = tenant_connection.network.create_subnet(
        network_id=network.id, cidr="10.42.0.0/24", ip_version=4, name="actions-v4"
    )
    cleanup(lambda: tenant_connection.network.delete_subnet(subnet, ignore_missing=True))
    return subnet


@pytest.fixture
def boot(tenant_connection: Any, tenant_network: Any, cloud: Any, cleanup: Cleanup) -> Any:
    """Factory: boot a server as the tenant on the tenant network, mirror it once ACTIVE."""
    image = cloud.image.find_image("cirros-fake", ignore_missing=False)
    flavor = cloud.compute.find_flavor("m1.nano", ignore_missing=False)

    def make(name: str) -> Any:
        server = tenant_connection.compute.create_server(
            name=name,
            image_id=image.id,
            flavor_id=flavor.id,
            networks=[{"uuid": tenant_network.network_id}],
        )

        cleanup(lambda: servers_deleted(tenant_connection, server))
        tenant_connection.compute.wait_for_server(server, wait=60)
        reconcile_servers(conn=cloud, ids=[server.id])
        return server

    return make


def test_power_lock_rescue_shelve_rebuild_rename_snapshot_and_delete(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    boot: Callable[[str], Any],
    cloud: Any,
    tenant_connection: Any,
    cleanup: Cleanup,
) -> None:
    server_id = boot("cycle").id

    act(signed_in, server_id, "stop")
    assert in_status(server_id, "SHUTOFF").power_state == 4
    act(signed_in, server_id, "start")
    in_status(server_id, "ACTIVE")
    act(signed_in, server_id, "reboot")
    act(signed_in, server_id, "reboot-hard")
    in_status(server_id, "ACTIVE")
    act(signed_in, server_id, "pause")
    in_status(server_id, "PAUSED")
    act(signed_in, server_id, "unpause")
    in_status(server_id, "ACTIVE")
    act(signed_in, server_id, "suspend")
    in_status(server_id, "SUSPENDED")
    act(signed_in, server_id, "resume")
    in_status(server_id, "ACTIVE")

    # Locked: the mirror shows it, so delete is refused before any cloud call.
    act(signed_in, server_id, "lock")
    settled(server_id, lambda server: server.locked, "the server locked")
    refused = signed_in.post(f"/api/servers/{server_id}/delete/")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Server “cycle” is locked: unlock it first."
    assert signed_in.post(f"/api/servers/{server_id}/stop/").status_code == 409
    # A stale mirror that still offers the action: the worker reads Nova and refuses it.
    Server.objects.filter(pk=server_id).update(locked=False)
    failed = operation_finished(signed_in.post(f"/api/servers/{server_id}/stop/").json()["id"])
    assert failed.status == Operation.Status.FAILED
    assert failed.error_message == (
        "Could not shut off server “cycle”: the server is locked; unlock it first."
    )
    assert "无法关闭实例“cycle”：实例已锁定；请先解锁。" in activity(signed_in, "zh-hans")
    act(signed_in, server_id, "unlock")
    settled(server_id, lambda server: not server.locked, "the server unlocked")

    act(signed_in, server_id, "rescue")
    in_status(server_id, "RESCUE")
    act(signed_in, server_id, "unrescue")
    in_status(server_id, "ACTIVE")
    act(signed_in, server_id, "shelve")
    in_status(server_id, "SHELVED_OFFLOADED")
    act(signed_in, server_id, "unshelve")
    in_status(server_id, "ACTIVE")

    reconcile_images(conn=cloud, ids=[cloud.image.find_image("cirros-fake").id])
    image = Image.objects.get(name="cirros-fake")
    act(signed_in, server_id, "rebuild", image=image.id, name="cycled")
    settled(server_id, lambda server: server.name == "cycled", "the server rebuilt and renamed")
    act(signed_in, server_id, "rename", name="renamed")
    settled(server_id, lambda server: server.name == "renamed", "the server renamed")

    snapshot = act(signed_in, server_id, "snapshot", name="renamed-snap")
    cleanup(lambda: tenant_connection.image.delete_image(snapshot.result_id, ignore_missing=True))
    made = Image.objects.get(pk=snapshot.result_id)
    assert (made.name, made.project_id) == ("renamed-snap", account.project.id)

    act(signed_in, server_id, "delete")
    wait_until(
        lambda: not Server.objects.filter(pk=server_id).exists() or None,
        timeout=SETTLE_TIMEOUT,
        what="the deleted server leaving the mirror",
    )
    assert tenant_connection.compute.find_server(server_id) is None


def test_an_action_that_is_already_done_succeeds_without_asking_nova(
    celery_worker: Any, signed_in: Client, boot: Callable[[str], Any], tenant_connection: Any
) -> None:
    """The mirror says SHUTOFF (stale), Nova says ACTIVE: "start" is done, nothing is called."""
    server_id = boot("twice").id
    Server.objects.filter(pk=server_id).update(status="SHUTOFF", vm_state="stopped")

    act(signed_in, server_id, "start")

    assert in_status(server_id, "ACTIVE").vm_state == "active"
    logged = [entry.action for entry in tenant_connection.compute.server_actions(server_id)]
    assert logged == ["create"]


def test_resize_revert_then_resize_confirm(
    celery_worker: Any, signed_in: Client, boot: Callable[[str], Any], cloud: Any
) -> None:
    """One compute host: devcloud's nova.conf allows a resize to the same host."""
    server_id = boot("grow").id
    reconcile_flavors(conn=cloud)
    tiny = cloud.compute.find_flavor("m1.tiny", ignore_missing=False)

    act(signed_in, server_id, "resize", flavor=tiny.id)
    assert in_status(server_id, "VERIFY_RESIZE").flavor_name == "m1.tiny"
    act(signed_in, server_id, "resize-revert")
    assert in_status(server_id, "ACTIVE").flavor_name == "m1.nano"

    act(signed_in, server_id, "resize", flavor=tiny.id)
    in_status(server_id, "VERIFY_RESIZE")
    act(signed_in, server_id, "resize-confirm")
    assert in_status(server_id, "ACTIVE").flavor_name == "m1.tiny"


def test_security_groups_interfaces_floating_ip_and_bulk_actions(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    boot: Callable[[str], Any],
    tenant_connection: Any,
    tenant_network: Any,
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    net = tenant_connection.network
    public = cloud.network.find_network("public", ignore_missing=False)
    router = net.create_router(
        name="actions-router", external_gateway_info={"network_id": public.id}
    )
    cleanup(lambda: net.delete_router(router, ignore_missing=True))
    net.add_interface_to_router(router, subnet_id=tenant_network.id)
    cleanup(lambda: net.remove_interface_from_router(router, subnet_id=tenant_network.id))
    other = net.create_network(name="actions-other")
    cleanup(lambda: net.delete_network(other, ignore_missing=True))
    other_subnet = net.create_subnet(network_id=other.id, cidr="10.43.0.0/24", ip_version=4)
    cleanup(lambda: net.delete_subnet(other_subnet, ignore_missing=True))
    group = net.create_security_group(name="actions-web")
    cleanup(lambda: net.delete_security_group(group, ignore_missing=True))
    first, second = boot("front"), boot("back")
    reconcile_all(conn=cloud, project_id=account.project.id)
    reconcile_networks(conn=cloud, ids=[public.id])
    reconcile_subnets(conn=cloud, project_id=public.project_id)

    # Security groups: every port of the server gets exactly the chosen set.
    default = next(net.security_groups(name="default", project_id=account.project.id))
    act(signed_in, first.id, "security-groups", security_groups=[default.id, group.id])
    ports = list(net.ports(device_id=first.id))
    assert all(set(port.security_group_ids) == {default.id, group.id} for port in ports)
    settled(first.id, lambda s: "actions-web" in s.security_groups, "the group on the server")

    # Interfaces: attach to another network, then detach that port.
    attached = act(signed_in, first.id, "interface-attach", network=other.id)
    settled(first.id, lambda s: "actions-other" in s.addresses, "the new interface's address")
    act(signed_in, first.id, "interface-detach", port=attached.result_id)
    settled(first.id, lambda s: "actions-other" not in s.addresses, "the interface detached")

    # Floating IP: allocate one from "public" onto the server's address, then take it off.
    port = ports[0]
    associated = act(
        signed_in,
        first.id,
        "floating-ip-associate",
        port_id=port.id,
        fixed_ip_address=port.fixed_ips[0]["ip_address"],
        floating_network=public.id,
    )
    cleanup(lambda: net.delete_ip(associated.result_id, ignore_missing=True))

    def floating(server: Server) -> bool:
        entries = [entry for entries in server.addresses.values() for entry in entries]
        return any(entry.get("OS-EXT-IPS:type") == "floating" for entry in entries)

    settled(first.id, floating, "the floating IP in the server's addresses")
    act(signed_in, first.id, "floating-ip-disassociate", floating_ip=associated.result_id)
    settled(first.id, lambda s: not floating(s), "the floating IP gone from the addresses")
    assert net.get_ip(associated.result_id).port_id is None

    # Bulk: stop both, start both, delete both (one operation each).
    pks = {"pk": [first.id, second.id]}
    for action, status in (("stop", "SHUTOFF"), ("start", "ACTIVE")):
        signed_in.post(f"/compute/instances/bulk/{action}/", pks, headers={"HX-Request": "true"})
        for server in (first, second):
            in_status(server.id, status)
    signed_in.post("/compute/instances/bulk/delete/", pks, headers={"HX-Request": "true"})
    wait_until(
        lambda: not Server.objects.filter(pk__in=pks["pk"]).exists() or None,
        timeout=SETTLE_TIMEOUT,
        what="both servers deleted",
    )
    assert Operation.objects.filter(action="instances.server_delete").count() == 2
