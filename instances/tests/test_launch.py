"""Launches end to end: page or API -> one Operation per server -> a real worker -> Nova (fake
virt driver) -> the mirror, whose follow-ups carry each server to ACTIVE, or to ERROR with
Nova's fault on its page; then the console link and logs of a launched server, live from Nova.
The module's tests share one project and network (servers are the slow part: few are made)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from dashboard.cloud.errors import CloudPermanentError
from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import operation_finished, servers_deleted, wait_until
from instances.console import console_link_create
from instances.models import KeyPair, Server
from instances.reconcile import reconcile_flavors, reconcile_images
from instances.services.servers import OPERATION_METADATA_KEY, server_create
from instances.tests.keys import delete_user_keypairs
from networks.models import Port
from networks.reconcile import reconcile_all

pytestmark = [pytest.mark.cloud, pytest.mark.shared_account]

Cleanup = Callable[[Callable[[], Any]], None]
HTMX = {"HX-Request": "true"}
IMAGE, FLAVOR = "cirros-fake", "m1.nano"


@pytest.fixture(scope="module")
def launch_network(cloud: Any, module_account: KeystoneAccount) -> Iterator[Any]:
    """A network with a subnet in the module's project; the project's servers and the network
    are deleted when the module ends."""
    project_id = module_account.project.id
    network = cloud.network.create_network(name="launch-net", project_id=project_id)
    cloud.network.create_subnet(
        network_id=network.id,
        project_id=project_id,
        ip_version=4,
        cidr="10.44.0.0/24",
        name="launch-subnet",
    )
    yield network
    servers_deleted(cloud, *cloud.compute.servers(all_projects=True, project_id=project_id))
    cloud.network.delete_network(network, ignore_missing=True)


@pytest.fixture
def launch_setup(
    cloud: Any, account: KeystoneAccount, launch_network: Any, db: None
) -> dict[str, str]:
    """The network, the image and the flavor of a launch, mirrored for this test."""
    image = cloud.image.find_image(IMAGE, ignore_missing=False)
    flavor = cloud.compute.find_flavor(FLAVOR, ignore_missing=False)
    reconcile_all(conn=cloud, project_id=account.project.id)
    reconcile_images(conn=cloud, ids=[image.id])
    reconcile_flavors(conn=cloud, ids=[flavor.id])
    return {"image_id": image.id, "flavor_id": flavor.id, "network_id": launch_network.id}


def mirrored(server_id: str, status: str) -> Server | None:
    return Server.objects.filter(pk=server_id, status=status).first()


def test_launch_two_servers_to_active_then_open_their_console_and_logs(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    tenant_connection: Any,
    launch_setup: dict[str, str],
    cleanup: Cleanup,
) -> None:
    cleanup(lambda: delete_user_keypairs(cloud, account.user_id))

    # The launch generates key pair "deploy"; both servers' operations import it, one finds it.
    response = signed_in.post(
        "/api/servers/",
        {
            "name": "web",
            "count": 2,
            "image_id": launch_setup["image_id"],
            "flavor_id": launch_setup["flavor_id"],
            "nics": [f"network:{launch_setup['network_id']}"],
            "new_key_name": "deploy",
            "metadata": "role=web",
        },
        content_type="application/json",
    )

    assert response.status_code == 202, response.content.decode()
    assert "OPENSSH PRIVATE KEY" in response.json()["private_key"]
    launches = [operation_finished(item["id"]) for item in response.json()["operations"]]
    for launch in launches:
        assert launch.status == Operation.Status.SUCCEEDED, launch.error_message
    assert KeyPair.objects.filter(user_id=account.user_id, name="deploy").exists()
    assert tenant_connection.compute.get_keypair("deploy").public_key.startswith("ssh-ed25519")
    servers = [
        wait_until(
            lambda launch=launch: mirrored(launch.result_id, "ACTIVE"),
            timeout=90,
            what=f"server {launch.target_name} ACTIVE in the mirror",
        )
        for launch in launches
    ]
    assert sorted(server.name for server in servers) == ["web-1", "web-2"]
    for launch, server in zip(launches, servers, strict=True):
        wait_until(  # the follow-up that saw it settle mirrors its port too
            lambda server=server: Port.objects.filter(device_id=server.id).first(),
            timeout=30,
            what=f"the port of {server.name} in the mirror",
        )
        assert server.key_name == "deploy"
        assert server.metadata == {"role": "web", OPERATION_METADATA_KEY: str(launch.id)}
        assert list(server.addresses) == ["launch-net"]
    page = signed_in.get("/compute/instances/").content.decode()
    assert page.count('data-status="ACTIVE"') == 2

    # web-1's console and logs, live from Nova with the user's token.
    web1 = next(server for server in servers if server.name == "web-1")
    base = f"/compute/instances/{web1.id}"
    console = signed_in.post(f"{base}/console/", headers=HTMX)
    assert "no-store" in console["Cache-Control"]
    assert "noVNC console" in console.content.decode()
    assert 'href="http://127.0.0.1:6080/vnc_lite.html?path=' in console.content.decode()
    minted = signed_in.post(f"/api/servers/{web1.id}/console/").json()
    assert minted["type"] == "novnc"
    assert minted["url"] not in console.content.decode()  # a new one-time link each time
    # This cloud enables noVNC only: SPICE's 400 moves on to the next type.
    fallback = console_link_create(
        conn=tenant_connection, server=web1, console_types=("spice-html5", "novnc")
    )
    assert fallback.type == "novnc"
    with pytest.raises(CloudPermanentError, match="none of the console types"):
        console_link_create(
            conn=tenant_connection, server=web1, console_types=("spice-html5", "serial")
        )
    # The compute driver's boot log of this very server (devcloud/compute_driver).
    boot_log = tenant_connection.compute.get_server_console_output(web1.id)["output"]
    assert f"iid={web1.id}" in boot_log
    assert f"iid={web1.id}" in signed_in.get(f"{base}/console-log/", headers=HTMX).content.decode()
    download = signed_in.get(f"{base}/console-log/download/")
    assert download["Content-Disposition"] == 'attachment; filename="console-web-1.log"'
    assert download.content.decode() == boot_log
    assert "<td>create</td>" in signed_in.get(f"{base}/action-log/", headers=HTMX).content.decode()
    # Shut off, it has no console: Nova's 409 says so, not the 400s of the types not enabled.
    compute = tenant_connection.compute
    compute.stop_server(web1.id)
    compute.wait_for_server(compute.get_server(web1.id), status="SHUTOFF", interval=0.5, wait=90)
    with pytest.raises(CloudPermanentError, match="must be running") as refused:
        console_link_create(conn=tenant_connection, server=web1)
    assert refused.value.status_code == 409

    # A retry of a finished launch (a redelivered task) finds its server instead of a twin.
    first = launches[0]
    server_create(conn=tenant_connection, operation=first, **first.params)
    named = [s for s in tenant_connection.compute.servers() if s.name == first.target_name]
    assert [server.id for server in named] == [first.result_id]


def test_a_server_nova_cannot_place_shows_novas_fault(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    launch_setup: dict[str, str],
    cleanup: Cleanup,
) -> None:
    """A private flavor that requires a trait no compute host has: Nova accepts the launch,
    its scheduler finds no host and the server goes to ERROR with a fault (a real failure of
    the real cloud, nothing faked)."""
    flavor = cloud.compute.create_flavor(
        name=f"nowhere-{account.project.id[:8]}", ram=64, vcpus=1, disk=1, is_public=False
    )
    cleanup(lambda: cloud.compute.delete_flavor(flavor, ignore_missing=True))
    cloud.compute.create_flavor_extra_specs(flavor, {"trait:CUSTOM_DASHBOARD_NOWHERE": "required"})
    cloud.compute.flavor_add_tenant_access(flavor, account.project.id)
    reconcile_flavors(conn=cloud, ids=[flavor.id])

    response = signed_in.post(
        "/compute/instances/launch/",
        {
            "name": "doomed",
            "count": 1,
            "image_id": launch_setup["image_id"],
            "flavor_id": flavor.id,
            "nics": [f"network:{launch_setup['network_id']}"],
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    launch = operation_finished(Operation.objects.get(target_name="doomed").id)
    assert launch.status == Operation.Status.SUCCEEDED, launch.error_message
    server = wait_until(
        lambda: mirrored(launch.result_id, "ERROR"), timeout=90, what="server doomed in ERROR"
    )
    assert server.fault is not None
    page = signed_in.get(f"/compute/instances/{server.id}/").content.decode()
    assert 'id="server-fault"' in page
    assert "No valid host was found." in page
