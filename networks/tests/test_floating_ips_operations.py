"""Floating IPs end to end: API and pages -> Operation -> worker -> Neutron -> mirror, against the
real cloud and a real Celery worker: allocate (also at a chosen address), associate to a port
behind a router with a gateway on `public`, disassociate, release, bulk release, and port
forwardings."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from openstack.exceptions import ConflictException

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.waiting import operation_finished
from networks.models import FloatingIP, Network, PortForwarding
from networks.reconcile import (
    reconcile_floating_ips,
    reconcile_networks,
    reconcile_port_forwardings,
    reconcile_ports,
    reconcile_routers,
    reconcile_subnets,
)

pytestmark = [pytest.mark.cloud]

Cleanup = Callable[[Callable[[], Any]], None]


@pytest.fixture
def external_network(cloud: Any, db: None) -> Network:
    """The local cloud's `public` network and its subnets, mirrored."""
    public = cloud.network.find_network("public")
    reconcile_networks(conn=cloud, ids=[public.id])
    reconcile_subnets(conn=cloud, ids=[s.id for s in cloud.network.subnets(network_id=public.id)])
    return Network.objects.get(pk=public.id)


@pytest.fixture
def routed_port(
    tenant_connection: Any, cloud: Any, cleanup: Cleanup, external_network: Network
) -> SimpleNamespace:
    """A port of the test's project on subnet 10.60.0.0/24, which a router with its gateway on
    `public` has as an interface; all mirrored, all removed after the test."""
    conn = tenant_connection.network
    network = conn.create_network(name="fip-net")
    cleanup(lambda: cloud.network.delete_network(network.id, ignore_missing=True))
    subnet = conn.create_subnet(
        network_id=network.id, cidr="10.60.0.0/24", ip_version=4, name="fip-subnet"
    )
    router = conn.create_router(
        name="fip-router", external_gateway_info={"network_id": external_network.id}
    )
    cleanup(lambda: cloud.network.delete_router(router.id, ignore_missing=True))
    conn.add_interface_to_router(router, subnet_id=subnet.id)
    cleanup(lambda: _remove_interface(cloud, router.id, subnet.id))
    port = conn.create_port(network_id=network.id, name="fip-port")
    cleanup(lambda: cloud.network.delete_port(port.id, ignore_missing=True))
    interfaces = [p.id for p in cloud.network.ports(device_id=router.id)]
    reconcile_networks(conn=cloud, ids=[network.id])
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    reconcile_routers(conn=cloud, ids=[router.id])
    reconcile_ports(conn=cloud, ids=[port.id, *interfaces])
    return SimpleNamespace(
        port=port, router=router, subnet=subnet, address=port.fixed_ips[0]["ip_address"]
    )


def _remove_interface(cloud: Any, router_id: str, subnet_id: str) -> None:
    """Remove the router's interface on the subnet unless a test already did."""
    interfaces = cloud.network.ports(device_id=router_id, fixed_ips=[f"subnet_id={subnet_id}"])
    if any(port.device_owner == "network:router_interface" for port in interfaces):
        cloud.network.remove_interface_from_router(router_id, subnet_id=subnet_id)


def allocated(
    tenant_connection: Any, cloud: Any, cleanup: Cleanup, external_network: Network
) -> FloatingIP:
    """A floating IP of the test's project, allocated with the SDK and mirrored."""
    made = tenant_connection.network.create_ip(floating_network_id=external_network.id)
    cleanup(lambda: cloud.network.delete_ip(made.id, ignore_missing=True))
    reconcile_floating_ips(conn=cloud, ids=[made.id])
    return FloatingIP.objects.get(pk=made.id)


def test_allocate_and_release_a_floating_ip(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, external_network: Network
) -> None:
    response = signed_in.post(
        "/api/floating-ips/", {"floating_network_id": external_network.id, "description": "web"}
    )

    allocated_op = operation_finished(response.json()["id"])
    assert allocated_op.status == Operation.Status.SUCCEEDED, allocated_op.error_message
    floating_ip = FloatingIP.objects.get(pk=allocated_op.result_id)
    assert floating_ip.project_id == account.project.id
    assert floating_ip.description == "web"
    assert floating_ip.floating_ip_address.startswith("203.0.113.")

    released = operation_finished(
        signed_in.delete(f"/api/floating-ips/{floating_ip.id}/").json()["id"]
    )
    assert released.status == Operation.Status.SUCCEEDED, released.error_message
    assert not FloatingIP.objects.filter(pk=floating_ip.id).exists()


def test_an_admin_allocates_a_chosen_address(
    celery_worker: Any,
    client: Client,
    make_account: Callable[..., KeystoneAccount],
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
) -> None:
    """Neutron's default policy lets admins (and project managers) choose the address."""
    admin = make_account(roles=("member", "admin"))
    client.post("/auth/login/", admin.credentials())

    response = client.post(
        "/api/floating-ips/",
        {"floating_network_id": external_network.id, "floating_ip_address": "203.0.113.201"},
    )
    granted = operation_finished(response.json()["id"])
    if granted.result_id:
        cleanup(lambda: cloud.network.delete_ip(granted.result_id, ignore_missing=True))

    assert granted.status == Operation.Status.SUCCEEDED, granted.error_message
    floating_ip = FloatingIP.objects.get(pk=granted.result_id)
    assert (floating_ip.floating_ip_address, floating_ip.project_id) == (
        "203.0.113.201",
        admin.project.id,
    )


def test_a_refusal_by_neutrons_policy_is_reported_with_its_request_id(
    celery_worker: Any,
    signed_in: Client,
    external_network: Network,
    settings: Any,
    tmp_path: Path,
) -> None:
    """The dashboard's policy file says members may choose the address (out of step with the
    cloud), while the local cloud keeps Neutron's default: Neutron's own 403 comes back."""
    (tmp_path / "neutron.yaml").write_text(
        '"create_floatingip:floating_ip_address": "role:member"\n'
    )
    settings.OPENSTACK_POLICY_DIR = tmp_path

    response = signed_in.post(
        "/api/floating-ips/",
        {"floating_network_id": external_network.id, "floating_ip_address": "203.0.113.202"},
    )
    refused = operation_finished(response.json()["id"])

    assert refused.status == Operation.Status.FAILED
    assert refused.error_message.startswith(
        "Could not allocate floating IP 203.0.113.202: the cloud's policy does not allow this "
        "for your role."
    ), refused.error_message
    assert "(Neutron 403, req-" in refused.error_message
    assert not FloatingIP.objects.filter(floating_ip_address="203.0.113.202").exists()


def test_associate_and_disassociate(
    celery_worker: Any,
    signed_in: Client,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
    routed_port: SimpleNamespace,
) -> None:
    floating_ip = allocated(tenant_connection, cloud, cleanup, external_network)

    associated = operation_finished(
        signed_in.post(
            f"/api/floating-ips/{floating_ip.id}/associate/", {"port_id": routed_port.port.id}
        ).json()["id"]
    )

    assert associated.status == Operation.Status.SUCCEEDED, associated.error_message
    floating_ip.refresh_from_db()
    assert (floating_ip.port_id, floating_ip.fixed_ip_address, floating_ip.router_id) == (
        routed_port.port.id,
        routed_port.address,
        routed_port.router.id,
    )
    page = shown(signed_in.get(f"/network/floating-ips/{floating_ip.id}/"))
    assert f"{routed_port.address} (port “fip-port”)" in page

    disassociated = operation_finished(
        signed_in.post(f"/api/floating-ips/{floating_ip.id}/disassociate/").json()["id"]
    )

    assert disassociated.status == Operation.Status.SUCCEEDED, disassociated.error_message
    floating_ip.refresh_from_db()
    assert (floating_ip.port_id, floating_ip.fixed_ip_address) == (None, "")


def test_an_unreachable_port_is_refused_by_neutron_with_the_reason_and_request_id(
    celery_worker: Any,
    signed_in: Client,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
    routed_port: SimpleNamespace,
) -> None:
    """The router interface goes behind the mirror's back, so the form still sees the subnet
    routed; Neutron answers ExternalGatewayForFloatingIPNotFound."""
    floating_ip = allocated(tenant_connection, cloud, cleanup, external_network)
    tenant_connection.network.remove_interface_from_router(
        routed_port.router, subnet_id=routed_port.subnet.id
    )

    failed = operation_finished(
        signed_in.post(
            f"/api/floating-ips/{floating_ip.id}/associate/", {"port_id": routed_port.port.id}
        ).json()["id"]
    )

    assert failed.status == Operation.Status.FAILED
    assert failed.error_message.startswith(
        f"Could not associate floating IP {floating_ip.floating_ip_address} to port “fip-port” "
        f"({routed_port.address}): the port's subnet is not reachable from the floating IP's "
        "external network. Add the subnet as an interface of a router whose gateway is on that "
        "external network, then try again."
    ), failed.error_message
    assert "(Neutron 404, req-" in failed.error_message


def test_bulk_release(
    celery_worker: Any,
    signed_in: Client,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
) -> None:
    floating_ips = [
        allocated(tenant_connection, cloud, cleanup, external_network) for _ in range(2)
    ]

    response = signed_in.post(
        "/network/floating-ips/release/",
        {"pk": [floating_ip.id for floating_ip in floating_ips]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    operations = list(Operation.objects.filter(action="networks.floating_ip_delete"))
    assert len(operations) == 2
    for operation in operations:
        finished = operation_finished(operation.id)
        assert finished.status == Operation.Status.SUCCEEDED, finished.error_message
    assert not FloatingIP.objects.filter(pk__in=[f.id for f in floating_ips]).exists()
    assert not [f for f in floating_ips if cloud.network.find_ip(f.id) is not None]


def test_add_and_delete_a_port_forwarding(
    celery_worker: Any,
    signed_in: Client,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
    routed_port: SimpleNamespace,
) -> None:
    floating_ip = allocated(tenant_connection, cloud, cleanup, external_network)
    reconcile_port_forwardings(conn=cloud)  # records that Neutron has the extension
    page = signed_in.get(f"/network/floating-ips/{floating_ip.id}/").content.decode()
    assert "Add port forwarding" in page

    response = signed_in.post(
        f"/network/floating-ips/{floating_ip.id}/port-forwardings/add/",
        {
            "protocol": "tcp",
            "external_port": 2222,
            "internal_port_id": routed_port.port.id,
            "internal_port": 22,
            "description": "ssh",
        },
        headers={"HX-Request": "true"},
    )
    created = operation_finished(Operation.objects.get().id)

    assert response.status_code == 200
    assert created.status == Operation.Status.SUCCEEDED, created.error_message
    rule = PortForwarding.objects.get(floating_ip_id=floating_ip.id)
    assert (rule.protocol, rule.external_port_number, rule.internal_port_number) == (
        "tcp",
        2222,
        22,
    )
    assert (rule.internal_port_id, rule.internal_ip_address, rule.description) == (
        routed_port.port.id,
        routed_port.address,
        "ssh",
    )
    assert rule.project_id == floating_ip.project_id
    listed = list(cloud.network.port_forwardings(floating_ip.id))
    assert [r.id for r in listed] == [rule.id]

    deleted = operation_finished(signed_in.delete(f"/api/port-forwardings/{rule.id}/").json()["id"])

    assert deleted.status == Operation.Status.SUCCEEDED, deleted.error_message
    assert not PortForwarding.objects.filter(pk=rule.id).exists()
    assert list(cloud.network.port_forwardings(floating_ip.id)) == []


class RecordingNetwork:
    """The service connection's network proxy, recording which floating IPs' port forwardings
    are listed one by one."""

    def __init__(self, network: Any) -> None:
        self.network = network
        self.listed_one_by_one: list[str] = []

    def port_forwardings(self, floating_ip_id: str) -> Any:
        self.listed_one_by_one.append(floating_ip_id)
        return self.network.port_forwardings(floating_ip_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.network, name)


def test_the_sweep_lists_port_forwardings_only_of_floating_ips_whose_rules_changed(
    db: None,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
    routed_port: SimpleNamespace,
) -> None:
    """Neutron shows each floating IP's rules in its body (`expose-port-forwarding-in-fip`): one
    listing of them tells which floating IPs to ask for their rules."""
    floating_ip = allocated(tenant_connection, cloud, cleanup, external_network)
    unchanged = allocated(tenant_connection, cloud, cleanup, external_network)
    project_id = floating_ip.project_id
    recording = RecordingNetwork(cloud.network)
    conn = SimpleNamespace(network=recording)
    reconcile_port_forwardings(conn=conn, project_id=project_id)
    rule = tenant_connection.network.create_port_forwarding(
        floatingip_id=floating_ip.id,
        protocol="tcp",
        external_port=2222,
        internal_port_id=routed_port.port.id,
        internal_ip_address=routed_port.address,
        internal_port=22,
    )
    cleanup(
        lambda: cloud.network.delete_port_forwarding(rule.id, floating_ip.id, ignore_missing=True)
    )
    recording.listed_one_by_one.clear()

    added = reconcile_port_forwardings(conn=conn, project_id=project_id)

    assert recording.listed_one_by_one == [floating_ip.id]
    assert unchanged.pk not in recording.listed_one_by_one
    assert added.created == 1
    assert PortForwarding.objects.get(pk=rule.id).external_port_number == 2222
    recording.listed_one_by_one.clear()
    assert reconcile_port_forwardings(conn=conn, project_id=project_id).created == 0
    assert recording.listed_one_by_one == []

    cloud.network.delete_port_forwarding(rule.id, floating_ip.id)
    removed = reconcile_port_forwardings(conn=conn, project_id=project_id)

    assert removed.deleted == 1
    assert not PortForwarding.objects.filter(pk=rule.id).exists()


def test_a_floating_ip_with_a_port_forwarding_is_not_released_and_neutron_agrees(
    db: None,
    signed_in: Client,
    tenant_connection: Any,
    cloud: Any,
    cleanup: Cleanup,
    external_network: Network,
    routed_port: SimpleNamespace,
) -> None:
    floating_ip = allocated(tenant_connection, cloud, cleanup, external_network)
    rule = tenant_connection.network.create_port_forwarding(
        floatingip_id=floating_ip.id,
        protocol="tcp",
        external_port=2222,
        internal_port_id=routed_port.port.id,
        internal_ip_address=routed_port.address,
        internal_port=22,
    )
    cleanup(
        lambda: cloud.network.delete_port_forwarding(rule.id, floating_ip.id, ignore_missing=True)
    )
    reconcile_port_forwardings(conn=cloud, floating_ip_ids=[floating_ip.id])

    # What the dashboard spares the user: Neutron answers 409 (FipInUseByPortForwarding).
    with pytest.raises(ConflictException, match="in use by Port Forwarding"):
        tenant_connection.network.delete_ip(floating_ip.id)
    listed = signed_in.get("/network/floating-ips/").content.decode()
    refused = signed_in.post(
        f"/network/floating-ips/{floating_ip.id}/release/", headers={"HX-Request": "true"}
    ).content.decode()

    assert "Port forwardings (1)" in listed
    assert "Delete its port forwardings on its page first" in refused
    assert not Operation.objects.exists()
    assert cloud.network.find_ip(floating_ip.id) is not None
