"""Reconcile of servers, flavors, images and key pairs against the real local cloud.

Each test acts in a fresh Keystone project (the `account` fixture) and removes what it made.
Rows of other projects are made with factories: they stand for objects the sweep must not touch.
"""

import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from dashboard.cloud.listing import server_lister
from dashboard.mirror.sweep import sweep_lock
from dashboard.mirror.sync import SyncResult
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import servers_deleted
from instances.factories import KeyPairFactory, ServerFactory
from instances.models import (
    Flavor,
    FlavorAccess,
    Image,
    ImageMember,
    KeyPair,
    Server,
    SyncWatermark,
)
from instances.reconcile import (
    reconcile_flavors,
    reconcile_images,
    reconcile_keypairs,
    reconcile_servers,
    reconcile_servers_incremental,
    reconcile_servers_present,
    server_fields_from_cloud,
    server_is_transitional,
)
from instances.selectors.servers import launch_image_list
from instances.tasks import (
    keypair_users_due,
    reconcile_keypairs_task,
    reconcile_servers_followup_task,
    reconcile_servers_task,
    server_followup_schedule,
)
from tenants.models import User

pytestmark = [pytest.mark.cloud, pytest.mark.django_db]

FLAVOR = "m1.nano"
IMAGE = "cirros-fake"


@pytest.fixture
def boot(tenant_connection: Any, cleanup: Callable[[Callable[[], Any]], None]) -> Callable[[], Any]:
    """Boot one server (m1.nano, cirros-fake) on a new network of the account's project."""

    def boot_one() -> Any:
        network = tenant_connection.network.create_network(name="mirror-net")
        cleanup(lambda: tenant_connection.network.delete_network(network, ignore_missing=True))
        subnet = tenant_connection.network.create_subnet(
            network_id=network.id, ip_version=4, cidr="10.43.0.0/24", name="mirror-subnet"
        )
        cleanup(lambda: tenant_connection.network.delete_subnet(subnet, ignore_missing=True))
        server = tenant_connection.compute.create_server(
            name="mirror-server",
            flavor_id=tenant_connection.compute.find_flavor(FLAVOR, ignore_missing=False).id,
            image_id=tenant_connection.image.find_image(IMAGE, ignore_missing=False).id,
            networks=[{"uuid": network.id}],
        )
        cleanup(lambda: servers_deleted(tenant_connection, server))
        return server

    return boot_one


def other_project() -> str:
    return uuid.uuid4().hex


def test_booted_server_is_mirrored_and_a_second_sweep_writes_nothing(
    cloud: Any, tenant_connection: Any, account: KeystoneAccount, boot: Callable[[], Any]
) -> None:
    project_id = account.project.id
    server = boot()

    first = reconcile_servers(conn=cloud, project_id=project_id)
    row = Server.objects.get(pk=server.id)
    assert first.created == 1
    assert (server.id in first.transitional) == server_is_transitional(
        status=row.status, task_state=row.task_state
    )

    tenant_connection.compute.wait_for_server(server, status="ACTIVE", interval=0.5, wait=120)
    targeted = reconcile_servers(conn=cloud, ids=[server.id])
    assert targeted.transitional == ()
    row.refresh_from_db()
    flavor = cloud.compute.find_flavor(FLAVOR, ignore_missing=False)
    image = cloud.image.find_image(IMAGE, ignore_missing=False)
    assert (row.name, row.project_id, row.user_id) == ("mirror-server", project_id, account.user_id)
    assert (row.status, row.task_state, row.vm_state) == ("ACTIVE", "", "active")
    assert row.power_state == 1  # RUNNING
    assert (row.flavor_name, row.vcpus, row.ram, row.disk) == (
        FLAVOR,
        flavor.vcpus,
        flavor.ram,
        flavor.disk,
    )
    assert row.flavor["original_name"] == FLAVOR
    assert row.image_id == image.id
    assert [address["addr"][:8] for address in row.addresses["mirror-net"]] == ["10.43.0."]
    assert row.security_groups == ["default"]
    assert row.fault is None
    assert row.created_at is not None
    assert row.updated_at is not None

    reconcile_servers(conn=cloud, project_id=project_id)
    again = reconcile_servers(conn=cloud, project_id=project_id)
    assert (again.created, again.updated, again.unchanged, again.deleted) == (0, 0, 1, 0)


def test_deleted_server_leaves_the_mirror_by_incremental_and_by_targeted_reconcile(
    cloud: Any, tenant_connection: Any, account: KeystoneAccount, boot: Callable[[], Any]
) -> None:
    project_id = account.project.id
    server = boot()
    # Nova reports a server as DELETED in a changes-since listing only once it was scheduled to
    # a cell; one deleted while still a build request vanishes silently (its follow-up
    # targeted reconcile then gets the 404). So this server is deleted when ACTIVE.
    tenant_connection.compute.wait_for_server(server, status="ACTIVE", interval=0.5, wait=120)
    reconcile_servers(conn=cloud, project_id=project_id)  # also sets the watermark
    # A row Nova does not know, in the same project: a partial listing must not delete it.
    stranger = ServerFactory(project_id=project_id)

    servers_deleted(tenant_connection, server)
    incremental = reconcile_servers_incremental(conn=cloud, project_id=project_id)
    assert incremental.deleted == 1
    assert not Server.objects.filter(pk=server.id).exists()
    assert Server.objects.filter(pk=stranger.pk).exists()

    # The row comes back (say, from a sweep that listed before the delete); asking Nova for
    # that id alone answers 404, which removes that row and no other.
    ServerFactory(id=server.id, project_id=project_id)
    targeted = reconcile_servers(conn=cloud, ids=[server.id])
    assert targeted.deleted == 1
    assert not Server.objects.filter(pk=server.id).exists()
    assert Server.objects.filter(pk=stranger.pk).exists()


def test_incremental_pass_without_watermark_is_a_full_sweep_then_deletes_nothing_unreported(
    cloud: Any, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    stale = ServerFactory(project_id=project_id)

    reconcile_servers_incremental(conn=cloud, project_id=project_id)
    assert not Server.objects.filter(pk=stale.pk).exists()
    assert SyncWatermark.objects.filter(key=f"servers:{project_id}").exists()

    unreported = ServerFactory(project_id=project_id)
    result = reconcile_servers_incremental(conn=cloud, project_id=project_id)
    assert result.deleted == 0
    assert Server.objects.filter(pk=unreported.pk).exists()


def test_the_periodic_sweep_lists_ids_reads_only_missing_servers_and_deletes_vanished_ones(
    cloud: Any, account: KeystoneAccount, boot: Callable[[], Any]
) -> None:
    project_id = account.project.id
    server = boot()
    stale = ServerFactory(project_id=project_id)
    elsewhere = ServerFactory(project_id=other_project())

    first = reconcile_servers_present(conn=cloud, project_id=project_id)

    assert (first.created, first.deleted) == (1, 1)
    assert Server.objects.get(pk=server.id).name == "mirror-server"
    assert not Server.objects.filter(pk=stale.pk).exists()
    assert Server.objects.filter(pk=elsewhere.pk).exists()
    # Nothing missing: the plain listing alone, and nothing written.
    Server.objects.filter(pk=server.id).update(name="the changes-since pass's business")
    again = reconcile_servers_present(conn=cloud, project_id=project_id)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 1)
    assert Server.objects.get(pk=server.id).name == "the changes-since pass's business"


class RecordingCompute:
    """The service connection's compute proxy, the paths it is asked to read recorded."""

    def __init__(self, compute: Any) -> None:
        self.compute = compute
        self.paths: list[str] = []

    def get(self, path: str, **options: Any) -> Any:
        self.paths.append(path)
        return self.compute.get(path, **options)

    def servers(self, **query: Any) -> Any:
        self.paths.append("/servers/detail" if query.get("details", True) else "/servers")
        return self.compute.servers(**query)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compute, name)


def test_the_periodic_sweep_into_an_empty_mirror_reads_every_server_in_one_listing(
    cloud: Any, account: KeystoneAccount, boot: Callable[[], Any]
) -> None:
    """Every server is new: a listing of their ids would only say so."""
    project_id = account.project.id
    server = boot()
    recording = RecordingCompute(cloud.compute)

    result = reconcile_servers_present(
        conn=SimpleNamespace(compute=recording), project_id=project_id
    )

    assert recording.paths == ["/servers/detail"]
    assert result.created == 1
    assert Server.objects.get(pk=server.id).name == "mirror-server"


def test_servers_read_from_a_listing_map_as_the_sdk_resources_do(
    cloud: Any, account: KeystoneAccount, boot: Callable[[], Any]
) -> None:
    """Sweeps map Nova's JSON read through the SDK's attributes (`server_lister`), targeted
    passes SDK resources: both give the same fields (its flavor, image, addresses, ...)."""
    server = cloud.compute.wait_for_server(boot(), wait=120)  # not changing between the two
    query = {"all_projects": True, "project_id": account.project.id}

    listed = {s.id: server_fields_from_cloud(s) for s in server_lister(cloud)(**query)}

    built = {s.id: server_fields_from_cloud(s) for s in cloud.compute.servers(**query)}
    assert listed == built
    assert listed[server.id]["flavor"]["vcpus"] > 0
    assert listed[server.id]["image_id"]


def test_project_scoped_sweep_deletes_only_within_its_project(
    cloud: Any, account: KeystoneAccount
) -> None:
    stale_here = ServerFactory(project_id=account.project.id)
    elsewhere = ServerFactory(project_id=other_project())

    result = reconcile_servers(conn=cloud, project_id=account.project.id)

    assert result.deleted == 1
    assert not Server.objects.filter(pk=stale_here.pk).exists()
    assert Server.objects.filter(pk=elsewhere.pk).exists()


def test_sweep_task_skips_while_another_run_holds_the_lock(
    cloud: Any, account: KeystoneAccount
) -> None:
    stale = ServerFactory(project_id=account.project.id)

    lock = sweep_lock(group="servers", project_id=account.project.id, ttl=30)
    assert lock.acquire(blocking=False)
    try:
        reconcile_servers_task.apply(kwargs={"project_id": account.project.id})
        assert Server.objects.filter(pk=stale.pk).exists()
    finally:
        lock.release()

    reconcile_servers_task.apply(kwargs={"project_id": account.project.id})
    assert not Server.objects.filter(pk=stale.pk).exists()


def test_follow_ups_are_scheduled_once_per_server_with_a_countdown(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Records what would be sent instead of sending it: no worker runs in this test, and a
    message left in the test broker would run in a later test's worker."""
    settings.SERVER_FOLLOWUP_FIRST_SECONDS = 2.0  # the default (the suite's is shorter)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        reconcile_servers_followup_task, "apply_async", lambda **options: sent.append(options)
    )
    building, other = str(uuid.uuid4()), str(uuid.uuid4())

    assert server_followup_schedule(ids=[building]) == [building]
    assert server_followup_schedule(ids=[building, other], attempt=3) == [other]

    assert [(call["kwargs"], call["countdown"]) for call in sent] == [
        ({"ids": [building], "attempt": 0}, 2.0),
        ({"ids": [other], "attempt": 3}, 6.75),
    ]
    assert server_followup_schedule(ids=[str(uuid.uuid4())], attempt=20) == []


def test_follow_up_of_a_vanished_server_removes_its_row_and_schedules_nothing(
    cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        reconcile_servers_followup_task, "apply_async", lambda **options: sent.append(options)
    )
    vanished = ServerFactory(status="BUILD", task_state="spawning")

    reconcile_servers_followup_task.apply(kwargs={"ids": [vanished.pk], "attempt": 0})

    assert not Server.objects.filter(pk=vanished.pk).exists()
    assert sent == []


def test_flavors_are_mirrored_with_the_projects_private_ones_are_granted_to(
    cloud: Any, account: KeystoneAccount, cleanup: Callable[[Callable[[], Any]], None]
) -> None:
    private = cloud.compute.create_flavor(
        name=f"mirror-private-{uuid.uuid4().hex[:8]}", ram=64, vcpus=1, disk=1, is_public=False
    )
    cleanup(lambda: cloud.compute.delete_flavor(private, ignore_missing=True))
    cloud.compute.flavor_add_tenant_access(private, account.project.id)

    reconcile_flavors(conn=cloud)

    nano = Flavor.objects.get(name=FLAVOR)
    assert (nano.vcpus, nano.ram, nano.disk, nano.is_public) == (1, 64, 1, True)
    assert nano.project_id == ""
    assert Flavor.objects.get(pk=private.id).is_public is False
    grant = FlavorAccess.objects.get(flavor_id=private.id)
    assert grant.project_id == account.project.id

    again = reconcile_flavors(conn=cloud, ids=[nano.id, private.id])
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)

    cloud.compute.delete_flavor(private)
    gone = reconcile_flavors(conn=cloud, ids=[private.id])
    assert gone.deleted == 2  # the flavor and its grant
    assert not Flavor.objects.filter(pk=private.id).exists()
    assert not FlavorAccess.objects.filter(flavor_id=private.id).exists()


def test_images_are_mirrored_and_a_second_sweep_writes_nothing(cloud: Any) -> None:
    cirros = cloud.image.find_image(IMAGE, ignore_missing=False)

    reconcile_images(conn=cloud, project_id=cirros.owner)

    row = Image.objects.get(pk=cirros.id)
    assert (row.name, row.status, row.visibility, row.project_id) == (
        IMAGE,
        "active",
        "public",
        cirros.owner,
    )
    assert (row.disk_format, row.container_format, row.size) == (
        cirros.disk_format,
        cirros.container_format,
        cirros.size,
    )
    again = reconcile_images(conn=cloud, project_id=cirros.owner)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_shared_images_are_offered_once_the_member_project_accepts(
    cloud: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    """An image of the admin project shared with the account's project: mirrored with its
    member, offered to launch from once the member accepts, gone with the image."""
    image = cloud.image.create_image(
        name=f"shared-{uuid.uuid4().hex[:8]}",
        visibility="shared",
        disk_format="raw",
        container_format="bare",
        data=b"fake disk",
    )
    cleanup(lambda: cloud.image.delete_image(image, ignore_missing=True))
    cloud.image.add_member(image, member=account.project.id)
    member_id = f"{image.id}:{account.project.id}"

    reconcile_images(conn=cloud, project_id=image.owner)

    assert ImageMember.objects.get(pk=member_id).status == "pending"
    offered = launch_image_list(project_id=account.project.id)
    assert not offered.filter(pk=image.id).exists()

    tenant_connection.image.update_member(account.project.id, image, status="accepted")
    reconcile_images(conn=cloud, ids=[image.id])

    assert ImageMember.objects.get(pk=member_id).status == "accepted"
    assert launch_image_list(project_id=account.project.id).filter(pk=image.id).exists()
    assert not launch_image_list(project_id=other_project()).filter(pk=image.id).exists()
    again = reconcile_images(conn=cloud, project_id=image.owner)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)

    cloud.image.delete_image(image)
    gone = reconcile_images(conn=cloud, project_id=image.owner)
    assert gone.deleted == 2  # the image and its member
    assert not ImageMember.objects.filter(pk=member_id).exists()


def test_key_pairs_are_mirrored_per_user_and_leave_when_deleted(
    cloud: Any,
    tenant_connection: Any,
    account: KeystoneAccount,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    # Since microversion 2.92 Nova no longer generates key pairs: the caller brings the key.
    public_key = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    keypair = tenant_connection.compute.create_keypair(name="mirror-key", public_key=public_key)
    cleanup(lambda: tenant_connection.compute.delete_keypair(keypair, ignore_missing=True))
    another_users = KeyPairFactory(name="mirror-key")

    reconcile_keypairs(conn=cloud, user_id=account.user_id)

    row = KeyPair.objects.get(pk=f"{account.user_id}:mirror-key")
    assert (row.user_id, row.name, row.fingerprint) == (
        account.user_id,
        "mirror-key",
        keypair.fingerprint,
    )
    assert row.public_key == public_key
    assert row.type == "ssh"

    tenant_connection.compute.delete_keypair(keypair)
    result = reconcile_keypairs(conn=cloud, user_id=account.user_id, names=["mirror-key"])
    assert result.deleted == 1
    assert not KeyPair.objects.filter(pk=row.pk).exists()
    assert KeyPair.objects.filter(pk=another_users.pk).exists()


def test_the_key_pair_sweep_takes_the_known_users_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("instances.tasks.KEYPAIR_SWEEP_CURSOR", f"test:keypairs:{uuid.uuid4().hex}")
    users = sorted(uuid.uuid4().hex for _ in range(3))
    for keystone_id in users:
        User.objects.upsert_from_keystone(keystone_id=keystone_id, name=keystone_id, domain_name="")
    recorded: list[str] = []

    def reconcile_keypairs(*, conn: Any, user_id: str) -> SyncResult:
        recorded.append(user_id)
        return SyncResult()

    monkeypatch.setattr("instances.tasks.reconcile_keypairs", reconcile_keypairs)
    monkeypatch.setattr("instances.tasks.KEYPAIR_USERS_PER_SWEEP", 2)
    monkeypatch.setattr("instances.tasks.service_connection", lambda: None)

    assert keypair_users_due(at_most=2) == users[:2]
    reconcile_keypairs_task.apply()
    assert keypair_users_due(at_most=2) == [users[2], users[0]]
    reconcile_keypairs_task.apply()

    assert recorded == [*users[:2], users[2], users[0]]
