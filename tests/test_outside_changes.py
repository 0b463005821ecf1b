"""The mirror follows networks, subnets, ports, routers, floating IPs, port forwardings, security
group rules, servers, key pairs and images changed outside the dashboard.

A notification listener thread runs on a queue of its own against the local cloud's RabbitMQ,
the test changes the cloud directly with openstacksdk (as the CLI would), never calling
reconcile, and waits for the mirror to follow. The bound is generous; the 2 s freshness target
is measured by `bench/freshness.py`.
"""

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from dashboard.mirror.listener import NotificationListener
from dashboard.testing.fixtures import NAME_PREFIX, KeystoneAccount
from dashboard.testing.waiting import servers_deleted, wait_until
from instances.models import Image, ImageMember, KeyPair, Server
from instances.reconcile import keypair_id
from instances.tests.keys import delete_user_keypairs, new_public_key
from networks.models import (
    FloatingIP,
    Network,
    Port,
    PortForwarding,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)
from networks.reconcile import reconcile_networks

pytestmark = [pytest.mark.cloud]

BOUND = 30.0
FLAVOR = "m1.nano"
IMAGE = "cirros-fake"


def eventually(check: Callable[[], Any], what: str) -> None:
    wait_until(lambda: True if check() else None, timeout=BOUND, what=what, interval=0.1)


@pytest.fixture
def subnet(tenant_connection: Any, cleanup: Callable[[Callable[[], Any]], None]) -> Any:
    """A network with one IPv4 subnet in the tenant's project, made and deleted directly."""
    conn = tenant_connection
    network = conn.network.create_network(name=f"outside-{secrets.token_hex(3)}")
    cleanup(lambda: _delete_network(conn, network.id))
    return conn.network.create_subnet(
        network_id=network.id, ip_version=4, cidr="10.77.0.0/24", name="outside-subnet"
    )


def _delete_network(conn: Any, network_id: str) -> None:
    for port in conn.network.ports(network_id=network_id):
        conn.network.delete_port(port, ignore_missing=True)
    conn.network.delete_network(network_id, ignore_missing=True)


def _delete_router(conn: Any, router_id: str) -> None:
    for port in conn.network.ports(device_id=router_id):
        if port.device_owner == "network:router_interface":
            conn.network.remove_interface_from_router(router_id, port_id=port.id)
    conn.network.delete_router(router_id, ignore_missing=True)


@pytest.fixture
def public_network(cloud: Any, transactional_db: None) -> Any:
    """The local cloud's external network, mirrored (floating IPs and gateways refer to it)."""
    public = cloud.network.find_network("public", ignore_missing=False)
    reconcile_networks(conn=cloud, ids=[public.id])
    return public


@pytest.fixture
def routed_port(
    tenant_connection: Any,
    subnet: Any,
    public_network: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> Any:
    """A port on `subnet`, which a router with a gateway on `public` connects (so floating IPs
    can reach it), made directly."""
    conn = tenant_connection
    router = conn.network.create_router(
        name="outside-edge", external_gateway_info={"network_id": public_network.id}
    )
    cleanup(lambda: _delete_router(conn, router.id))
    conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    return conn.network.create_port(network_id=subnet.network_id, name="outside-port")


@pytest.fixture
def floating_ip(
    tenant_connection: Any,
    routed_port: Any,
    public_network: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> Any:
    """A free floating IP from `public`, made directly after the routed port it can reach (so
    it is released before the router goes)."""
    conn = tenant_connection
    made = conn.network.create_ip(floating_network_id=public_network.id)
    cleanup(lambda: conn.network.delete_ip(made, ignore_missing=True))
    return made


def test_the_mirror_follows_networks_and_ports_changed_outside_the_dashboard(
    listener: NotificationListener, cloud: Any, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    name = f"{NAME_PREFIX}{secrets.token_hex(4)}"
    network = cloud.network.create_network(name=name, project_id=project_id)
    try:
        eventually(lambda: Network.objects.filter(pk=network.id).exists(), "network row")
        cloud.network.update_network(network, name=f"{name}-renamed")
        eventually(
            lambda: Network.objects.filter(pk=network.id, name=f"{name}-renamed").exists(),
            "network rename",
        )

        subnet = cloud.network.create_subnet(
            network_id=network.id, project_id=project_id, ip_version=4, cidr="10.99.0.0/24"
        )
        port = cloud.network.create_port(network_id=network.id, project_id=project_id)
        eventually(lambda: Port.objects.filter(pk=port.id).exists(), "port row")
        eventually(lambda: Subnet.objects.filter(pk=subnet.id).exists(), "subnet row")
        cloud.network.update_port(port, name=f"{name}-port")
        eventually(lambda: Port.objects.get(pk=port.id).name == f"{name}-port", "port rename")

        cloud.network.delete_port(port)
        eventually(lambda: not Port.objects.filter(pk=port.id).exists(), "port row removal")

        # Neutron deletes the subnet with its network and says so only about the network.
        cloud.network.delete_network(network)
        eventually(
            lambda: not Network.objects.filter(pk=network.id).exists(), "network row removal"
        )
        eventually(lambda: not Subnet.objects.filter(pk=subnet.id).exists(), "subnet removal")
    finally:
        for port_left in cloud.network.ports(network_id=network.id):
            cloud.network.delete_port(port_left, ignore_missing=True)
        cloud.network.delete_network(network, ignore_missing=True)


def test_the_mirror_follows_a_router_changed_outside_the_dashboard(
    listener: NotificationListener,
    tenant_connection: Any,
    account: KeystoneAccount,
    subnet: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    conn = tenant_connection
    router = conn.network.create_router(name="outside-router")
    cleanup(lambda: _delete_router(conn, router.id))
    eventually(
        lambda: Router.objects.filter(pk=router.id, project_id=account.project.id).exists(),
        "router row",
    )

    conn.network.update_router(router, name="outside-renamed")
    eventually(
        lambda: Router.objects.filter(pk=router.id, name="outside-renamed").exists(),
        "router rename",
    )

    interface = conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    eventually(
        lambda: Port.objects.filter(pk=interface["port_id"], device_id=router.id).exists(),
        "router interface port row",
    )

    conn.network.remove_interface_from_router(router, subnet_id=subnet.id)
    eventually(
        lambda: not Port.objects.filter(pk=interface["port_id"]).exists(),
        "router interface port removal",
    )

    conn.network.delete_router(router)
    eventually(lambda: not Router.objects.filter(pk=router.id).exists(), "router row removal")


def test_the_mirror_follows_a_floating_ip_changed_outside_the_dashboard(
    listener: NotificationListener,
    tenant_connection: Any,
    account: KeystoneAccount,
    routed_port: Any,
    floating_ip: Any,
) -> None:
    conn, port = tenant_connection, routed_port
    eventually(
        lambda: FloatingIP.objects.filter(
            pk=floating_ip.id, project_id=account.project.id, port_id=None
        ).exists(),
        "floating IP row",
    )

    conn.network.update_ip(floating_ip, port_id=port.id)
    eventually(
        lambda: FloatingIP.objects.filter(
            pk=floating_ip.id, port_id=port.id, fixed_ip_address=port.fixed_ips[0]["ip_address"]
        ).exists(),
        "floating IP association",
    )

    conn.network.update_ip(floating_ip, port_id=None)
    eventually(
        lambda: FloatingIP.objects.filter(
            pk=floating_ip.id, port_id=None, fixed_ip_address=""
        ).exists(),
        "floating IP disassociation",
    )

    conn.network.delete_ip(floating_ip)
    eventually(
        lambda: not FloatingIP.objects.filter(pk=floating_ip.id).exists(),
        "floating IP row removal",
    )


def test_the_mirror_follows_a_port_forwarding_changed_outside_the_dashboard(
    listener: NotificationListener,
    tenant_connection: Any,
    routed_port: Any,
    floating_ip: Any,
) -> None:
    """Neutron's port forwarding events name the internal port, not the floating IP."""
    conn, port = tenant_connection, routed_port
    eventually(lambda: FloatingIP.objects.filter(pk=floating_ip.id).exists(), "floating IP row")

    rule = conn.network.create_port_forwarding(
        floatingip_id=floating_ip.id,
        internal_port_id=port.id,
        internal_ip_address=port.fixed_ips[0]["ip_address"],
        internal_port=22,
        external_port=2222,
        protocol="tcp",
    )
    eventually(
        lambda: PortForwarding.objects.filter(
            pk=rule.id, floating_ip_id=floating_ip.id, external_port_number=2222
        ).exists(),
        "port forwarding row",
    )

    conn.network.update_port_forwarding(rule, floating_ip.id, external_port=2223)
    eventually(
        lambda: PortForwarding.objects.filter(pk=rule.id, external_port_number=2223).exists(),
        "port forwarding change",
    )

    conn.network.delete_port_forwarding(rule, floating_ip.id)
    eventually(
        lambda: not PortForwarding.objects.filter(pk=rule.id).exists(),
        "port forwarding row removal",
    )


def test_the_mirror_follows_a_server_changed_outside_the_dashboard(
    listener: NotificationListener,
    tenant_connection: Any,
    account: KeystoneAccount,
    subnet: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    conn = tenant_connection
    server = conn.compute.create_server(
        name="outside-server",
        flavor_id=conn.compute.find_flavor(FLAVOR, ignore_missing=False).id,
        image_id=conn.image.find_image(IMAGE, ignore_missing=False).id,
        networks=[{"uuid": subnet.network_id}],
    )
    cleanup(lambda: servers_deleted(conn, server))
    eventually(
        lambda: Server.objects.filter(
            pk=server.id, project_id=account.project.id, status="ACTIVE"
        ).exists(),
        "server row, ACTIVE",
    )

    conn.compute.update_server(server, name="outside-renamed")
    eventually(
        lambda: Server.objects.filter(pk=server.id, name="outside-renamed").exists(),
        "server rename",
    )

    conn.compute.delete_server(server)
    eventually(lambda: not Server.objects.filter(pk=server.id).exists(), "server row removal")
    eventually(lambda: not Port.objects.filter(device_id=server.id).exists(), "server port removal")


def test_the_mirror_follows_a_security_group_rule_changed_outside_the_dashboard(
    listener: NotificationListener,
    tenant_connection: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    conn = tenant_connection
    group = conn.network.create_security_group(name=f"outside-{secrets.token_hex(3)}")
    cleanup(lambda: conn.network.delete_security_group(group, ignore_missing=True))
    eventually(lambda: SecurityGroup.objects.filter(pk=group.id).exists(), "security group row")

    rule = conn.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
    )
    eventually(
        lambda: SecurityGroupRule.objects.filter(
            pk=rule.id, security_group_id=group.id, port_range_min=22
        ).exists(),
        "security group rule row",
    )

    conn.network.delete_security_group_rule(rule)
    eventually(
        lambda: not SecurityGroupRule.objects.filter(pk=rule.id).exists(),
        "security group rule row removal",
    )


def test_the_mirror_follows_a_key_pair_changed_outside_the_dashboard(
    listener: NotificationListener,
    cloud: Any,
    tenant_connection: Any,
    account: KeystoneAccount,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    """Nova's `keypair.*` notifications name the user and the key pair's name."""
    conn = tenant_connection
    cleanup(lambda: delete_user_keypairs(cloud, account.user_id))
    name = f"outside-{secrets.token_hex(3)}"
    row_id = keypair_id(user_id=account.user_id, name=name)

    conn.compute.create_keypair(name=name, public_key=new_public_key())
    eventually(
        lambda: KeyPair.objects.filter(pk=row_id, user_id=account.user_id).exists(),
        "key pair row",
    )

    conn.compute.delete_keypair(name)
    eventually(lambda: not KeyPair.objects.filter(pk=row_id).exists(), "key pair row removal")


def test_the_mirror_follows_an_image_and_its_members_changed_outside_the_dashboard(
    listener: NotificationListener,
    tenant_connection: Any,
    make_account: Callable[..., KeystoneAccount],
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    """Glance's `image.*` notifications (enabled in devcloud's glance-api.conf: a cloud started
    before that change sends none until `python3 -m devcloud up` restarts Glance)."""
    conn = tenant_connection
    image = conn.image.create_image(
        name=f"outside-{secrets.token_hex(3)}",
        disk_format="raw",
        container_format="bare",
        visibility="shared",
    )
    cleanup(lambda: conn.image.delete_image(image, ignore_missing=True))
    eventually(lambda: Image.objects.filter(pk=image.id, status="queued").exists(), "image row")

    conn.image.update_image(image, name="outside-renamed")
    eventually(
        lambda: Image.objects.filter(pk=image.id, name="outside-renamed").exists(), "image rename"
    )

    other = make_account()
    conn.image.add_member(image, member_id=other.project.id)
    eventually(
        lambda: ImageMember.objects.filter(image_id=image.id, project_id=other.project.id).exists(),
        "image member row",
    )

    conn.image.delete_image(image)
    eventually(lambda: not Image.objects.filter(pk=image.id).exists(), "image row removal")
    eventually(
        lambda: not ImageMember.objects.filter(image_id=image.id).exists(), "member row removal"
    )
