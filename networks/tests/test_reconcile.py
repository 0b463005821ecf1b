"""Reconcile against the real local cloud: what a sweep mirrors, what it writes, what it deletes.

One project and one L3 topology (built as the project's member) serve the whole module; tests
that delete things make their own objects. Every cloud object is removed afterwards.
"""

import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard.cloud import identity
from dashboard.cloud.connection import user_connection
from dashboard.cloud.listing import json_pages, neutron_lister
from dashboard.mirror.sweep import sweep_lock
from dashboard.testing.fixtures import NAME_PREFIX
from networks.factories import NetworkFactory, PortFactory, RBACPolicyFactory
from networks.models import (
    FloatingIP,
    Network,
    Port,
    RBACPolicy,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)
from networks.reconcile import (
    floating_ip_fields_from_cloud,
    network_fields_from_cloud,
    port_fields_from_cloud,
    reconcile_all,
    reconcile_networks,
    reconcile_ports,
    reconcile_rbac_policies,
    reconcile_routers,
    router_fields_from_cloud,
    security_group_fields_from_cloud,
    security_group_rule_fields_from_cloud,
    subnet_fields_from_cloud,
    subnet_pool_fields_from_cloud,
)
from networks.tasks import GROUP, reconcile_networking_task

pytestmark = [pytest.mark.cloud, pytest.mark.django_db]

Undo = Callable[[Callable[[], Any]], None]


@dataclass
class Tenant:
    """A member's connection in a project of its own, and the undo steps of what it made."""

    project_id: str
    conn: Any
    undo: list[Callable[[], Any]] = field(default_factory=list)


@dataclass
class Topology:
    """A network with a subnet, a router with gateway, interface and routes, a port with two
    fixed IPs and a floating IP, and a security group with rules."""

    public: Any
    network: Any
    subnet: Any
    router: Any
    port: Any
    floating_ip: Any
    security_group: Any
    ssh_rule: Any
    icmp_rule: Any


@pytest.fixture(scope="module")
def tenant(cloud: Any) -> Iterator[Tenant]:
    """A member of a new project (module-wide: the topology is slow to build)."""
    tag = secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    user = cloud.identity.create_user(
        name=f"{NAME_PREFIX}{tag}", password=password, domain_id="default"
    )
    project = cloud.identity.create_project(name=f"{NAME_PREFIX}{tag}-net", domain_id="default")
    member = cloud.identity.find_role("member", ignore_missing=False)
    cloud.identity.assign_project_role_to_user(project, user, member)
    unscoped = identity.password_login(username=user.name, password=password, domain="Default")
    scoped = identity.scoped_token(token=unscoped.token, project_id=project.id)
    made = Tenant(
        project_id=project.id, conn=user_connection(token=scoped.token, project_id=project.id)
    )
    try:
        yield made
    finally:
        for step in reversed(made.undo):
            step()
        # Neutron makes a default security group for each project; the project's end is its end.
        for group in cloud.network.security_groups(project_id=project.id):
            cloud.network.delete_security_group(group, ignore_missing=True)
        identity.revoke_token(token=scoped.token)
        identity.revoke_token(token=unscoped.token)
        cloud.identity.delete_user(user, ignore_missing=True)
        cloud.identity.delete_project(project, ignore_missing=True)


@pytest.fixture
def undo() -> Iterator[Undo]:
    """Register undo steps for one test; they run last-in, first-out, whatever happened."""
    steps: list[Callable[[], Any]] = []
    yield steps.append
    for step in reversed(steps):
        step()


@pytest.fixture(scope="module")
def topology(tenant: Tenant) -> Topology:
    net = tenant.conn.network
    undo = tenant.undo.append
    public = net.find_network("public", ignore_missing=False)

    network = net.create_network(name="rc-net", description="mirrored")
    undo(lambda: net.delete_network(network, ignore_missing=True))
    net.set_tags(network, ["zeta", "alpha"])
    subnet = net.create_subnet(
        network_id=network.id,
        name="rc-subnet",
        ip_version=4,
        cidr="10.77.0.0/24",
        gateway_ip="10.77.0.1",
        allocation_pools=[
            {"start": "10.77.0.100", "end": "10.77.0.150"},
            {"start": "10.77.0.20", "end": "10.77.0.50"},
        ],
        dns_nameservers=["9.9.9.9", "1.1.1.1"],
        host_routes=[
            {"destination": "192.168.50.0/24", "nexthop": "10.77.0.254"},
            {"destination": "172.16.0.0/16", "nexthop": "10.77.0.253"},
        ],
    )
    undo(lambda: net.delete_subnet(subnet, ignore_missing=True))

    security_group = net.create_security_group(name="rc-sg", description="web")
    undo(lambda: net.delete_security_group(security_group, ignore_missing=True))
    ssh_rule = net.create_security_group_rule(
        security_group_id=security_group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
        remote_ip_prefix="198.51.100.0/24",
        description="ssh from the office",
    )
    icmp_rule = net.create_security_group_rule(
        security_group_id=security_group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="icmp",
        remote_group_id=security_group.id,
    )

    router = net.create_router(
        name="rc-router",
        external_gateway_info={"network_id": public.id, "enable_snat": False},
    )
    undo(lambda: net.delete_router(router, ignore_missing=True))
    net.add_interface_to_router(router, subnet_id=subnet.id)
    undo(lambda: net.remove_interface_from_router(router, subnet_id=subnet.id))
    routes = {
        "router": {
            "routes": [
                {"destination": "10.99.0.0/24", "nexthop": "10.77.0.10"},
                {"destination": "10.98.0.0/24", "nexthop": "10.77.0.11"},
            ]
        }
    }
    net.add_extra_routes_to_router(router, routes)
    undo(lambda: net.remove_extra_routes_from_router(router, routes))

    port = net.create_port(
        network_id=network.id,
        name="rc-port",
        fixed_ips=[
            {"subnet_id": subnet.id, "ip_address": "10.77.0.30"},
            {"subnet_id": subnet.id, "ip_address": "10.77.0.9"},
        ],
        security_groups=[security_group.id],
    )
    undo(lambda: net.delete_port(port, ignore_missing=True))
    floating_ip = net.create_ip(
        floating_network_id=public.id, port_id=port.id, fixed_ip_address="10.77.0.30"
    )
    undo(lambda: net.delete_ip(floating_ip, ignore_missing=True))
    return Topology(
        public=public,
        network=network,
        subnet=subnet,
        router=net.get_router(router),
        port=port,
        floating_ip=floating_ip,
        security_group=security_group,
        ssh_rule=ssh_rule,
        icmp_rule=icmp_rule,
    )


def test_sweep_of_a_project_mirrors_its_networking(
    cloud: Any, tenant: Tenant, topology: Topology
) -> None:
    results = reconcile_all(conn=cloud, project_id=tenant.project_id)

    assert results["networks"].created == 1
    network = Network.objects.get(pk=topology.network.id)
    assert (network.name, network.description) == ("rc-net", "mirrored")
    assert network.project_id == tenant.project_id
    assert network.tags == ["alpha", "zeta"]
    assert network.status == "ACTIVE"
    assert network.admin_state_up
    assert not network.router_external
    assert network.mtu == topology.network.mtu
    assert network.revision_number is not None
    assert network.created_at is not None
    assert network.updated_at is not None
    assert network.updated_at >= network.created_at

    subnet = Subnet.objects.get(pk=topology.subnet.id)
    assert subnet.network == network
    assert (subnet.cidr, subnet.ip_version, subnet.gateway_ip) == ("10.77.0.0/24", 4, "10.77.0.1")
    assert subnet.enable_dhcp
    assert subnet.allocation_pools == [
        {"start": "10.77.0.20", "end": "10.77.0.50"},
        {"start": "10.77.0.100", "end": "10.77.0.150"},
    ]
    assert subnet.dns_nameservers == ["9.9.9.9", "1.1.1.1"]
    assert subnet.host_routes == [
        {"destination": "172.16.0.0/16", "nexthop": "10.77.0.253"},
        {"destination": "192.168.50.0/24", "nexthop": "10.77.0.254"},
    ]
    assert subnet.ipv6_ra_mode == ""

    router = Router.objects.get(pk=topology.router.id)
    assert router.external_network_id == topology.public.id
    assert router.enable_snat is False
    assert router.external_gateway_info is not None
    [gateway_ip] = router.external_gateway_info["external_fixed_ips"]
    assert gateway_ip["ip_address"].startswith("203.0.113.")
    assert router.routes == [
        {"destination": "10.98.0.0/24", "nexthop": "10.77.0.11"},
        {"destination": "10.99.0.0/24", "nexthop": "10.77.0.10"},
    ]
    [interface] = router.interfaces
    assert interface.network_id == network.id
    assert interface.fixed_ips == [{"subnet_id": subnet.id, "ip_address": "10.77.0.1"}]

    port = Port.objects.get(pk=topology.port.id)
    assert port.fixed_ips == [
        {"subnet_id": subnet.id, "ip_address": "10.77.0.9"},
        {"subnet_id": subnet.id, "ip_address": "10.77.0.30"},
    ]
    assert port.security_group_ids == [topology.security_group.id]
    assert port.mac_address == topology.port.mac_address
    assert port.network == network
    assert not port.is_router_interface

    floating_ip = FloatingIP.objects.get(pk=topology.floating_ip.id)
    assert floating_ip.floating_ip_address == topology.floating_ip.floating_ip_address
    assert floating_ip.floating_network_id == topology.public.id
    assert floating_ip.port == port
    assert floating_ip.fixed_ip_address == "10.77.0.30"
    assert floating_ip.router == router
    assert floating_ip.name == ""

    group = SecurityGroup.objects.get(pk=topology.security_group.id)
    assert (group.name, group.description, group.stateful) == ("rc-sg", "web", True)
    ssh = SecurityGroupRule.objects.get(pk=topology.ssh_rule.id)
    assert ssh.security_group == group
    assert (ssh.direction, ssh.ethertype, ssh.protocol) == ("ingress", "IPv4", "tcp")
    assert (ssh.port_range_min, ssh.port_range_max) == (22, 22)
    assert (ssh.remote_ip_prefix, ssh.remote_group_id) == ("198.51.100.0/24", None)
    assert ssh.description == "ssh from the office"
    icmp = SecurityGroupRule.objects.get(pk=topology.icmp_rule.id)
    assert (icmp.protocol, icmp.port_range_min, icmp.remote_ip_prefix) == ("icmp", None, "")
    assert icmp.remote_group == group
    # Neutron adds two egress rules to every new group.
    assert group.rules.filter(direction="egress").count() == 2

    # Only this project's objects; the gateway port belongs to no project.
    for model in (Network, Subnet, Port, Router, FloatingIP, SecurityGroup, SecurityGroupRule):
        assert set(model.objects.values_list("project_id", flat=True)) == {tenant.project_id}
    assert not Network.objects.filter(pk=topology.public.id).exists()


def test_second_sweep_reports_everything_unchanged_and_writes_nothing(
    cloud: Any, tenant: Tenant, topology: Topology
) -> None:
    first = reconcile_all(conn=cloud, project_id=tenant.project_id)
    with CaptureQueriesContext(connection) as queries:
        second = reconcile_all(conn=cloud, project_id=tenant.project_id)

    for resource, result in second.items():
        assert (result.created, result.updated, result.deleted) == (0, 0, 0), resource
        assert result.unchanged == first[resource].created, resource
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith("INSERT")]
    # Revision sweeps write nothing for unchanged objects; the listings without revisions (RBAC
    # entries, port forwardings) refresh `synced_at` only. (The sweep also records whether
    # Neutron has port forwarding, in its SyncState row.)
    updates = [s for s in statements if s.startswith("UPDATE") and "mirror_syncstate" not in s]
    assert all(sql.split(" SET ")[1].startswith('"synced_at"') for sql in updates)
    assert not [s for s in updates if "networks_port" in s or "networks_network" in s]
    assert len(statements) <= 5 * len(second) + 2  # + reading and writing that SyncState row


def test_a_revision_sweep_fetches_only_the_object_changed_outside(
    cloud: Any, tenant: Tenant, topology: Topology
) -> None:
    """The safety sweep lists ids and revisions and reads only the port whose revision moved."""
    reconcile_ports(conn=cloud, project_id=tenant.project_id)
    tenant.conn.network.update_port(topology.port.id, description="changed outside")
    fetched: list[list[str]] = []

    def get(path: str, **options: Any) -> Any:
        if path == "/ports" and "id" in options["params"]:
            fetched.append(list(options["params"]["id"]))
        return cloud.network.get(path, **options)

    # The service connection, its listings recorded.
    recording = SimpleNamespace(network=SimpleNamespace(get=get, get_port=cloud.network.get_port))

    result = reconcile_ports(conn=recording, project_id=tenant.project_id)

    assert fetched == [[topology.port.id]]
    assert (result.updated, result.created, result.deleted) == (1, 0, 0)
    assert result.unchanged == Port.objects.filter(project_id=tenant.project_id).count() - 1
    assert Port.objects.get(pk=topology.port.id).description == "changed outside"


# Each listing the sweep reads as JSON, with the SDK's listing of the same objects and the mapper.
LISTED = [
    ("networks", "networks", network_fields_from_cloud),
    ("subnets", "subnets", subnet_fields_from_cloud),
    ("subnetpools", "subnet_pools", subnet_pool_fields_from_cloud),
    ("ports", "ports", port_fields_from_cloud),
    ("routers", "routers", router_fields_from_cloud),
    ("floatingips", "ips", floating_ip_fields_from_cloud),
    ("security_groups", "security_groups", security_group_fields_from_cloud),
    ("security_group_rules", "security_group_rules", security_group_rule_fields_from_cloud),
]


@pytest.mark.parametrize(("collection", "sdk_listing", "fields_from_cloud"), LISTED)
def test_objects_read_from_a_listing_map_as_the_sdk_resources_do(
    cloud: Any,
    tenant: Tenant,
    topology: Topology,
    collection: str,
    sdk_listing: str,
    fields_from_cloud: Callable[[Any], dict[str, Any]],
) -> None:
    """Sweeps map Neutron's JSON read through the SDK's attributes (`neutron_lister`), targeted
    passes SDK resources: both give the same fields for every object of the project (its
    router with a gateway and routes, its port with two addresses, ...) and the shared pools."""
    query = {} if collection == "subnetpools" else {"project_id": tenant.project_id}

    listed = {obj.id: fields_from_cloud(obj) for obj in neutron_lister(cloud, collection)(**query)}

    built = {obj.id: fields_from_cloud(obj) for obj in getattr(cloud.network, sdk_listing)(**query)}
    assert listed == built
    assert listed or collection == "subnetpools"


def test_a_listing_reads_every_page_and_stops_at_a_short_one(
    cloud: Any, tenant: Tenant, topology: Topology
) -> None:
    """A full page links to a next one even when nothing follows: a shorter page is the last."""
    query = {"project_id": tenant.project_id}
    rules = {rule.id for rule in cloud.network.security_group_rules(**query)}
    assert len(rules) >= 3
    asked: list[dict[str, Any]] = []

    def get(path: str, **options: Any) -> Any:
        asked.append(options["params"])
        return cloud.network.get(path, **options)

    pages = list(
        json_pages(
            proxy=SimpleNamespace(get=get),
            path="/security-group-rules",
            key="security_group_rules",
            params={**query, "limit": len(rules) - 1},
        )
    )

    assert [len(page) for page in pages] == [len(rules) - 1, 1]
    assert {rule["id"] for page in pages for rule in page} == rules
    assert len(asked) == 2
    assert "marker" in asked[1]


def test_targeted_reconcile_follows_a_change_and_a_deletion(
    cloud: Any, tenant: Tenant, topology: Topology, undo: Undo
) -> None:
    net = tenant.conn.network
    doomed = net.create_network(name="rc-doomed")
    undo(lambda: net.delete_network(doomed, ignore_missing=True))
    kept = reconcile_networks(conn=cloud, ids=[topology.network.id])
    assert kept.created == 1
    stale = NetworkFactory(project_id=tenant.project_id)

    assert reconcile_networks(conn=cloud, ids=[doomed.id, doomed.id]).created == 1
    net.update_network(doomed, name="rc-renamed")
    renamed = reconcile_networks(conn=cloud, ids=[doomed.id])
    assert (renamed.updated, renamed.unchanged) == (1, 0)
    assert Network.objects.get(pk=doomed.id).name == "rc-renamed"

    net.delete_network(doomed)
    gone = reconcile_networks(conn=cloud, ids=[doomed.id])
    assert (gone.deleted, gone.created, gone.updated) == (1, 0, 0)
    assert not Network.objects.filter(pk=doomed.id).exists()
    # A partial observation proves nothing about the rows it did not name.
    assert Network.objects.filter(pk__in=[topology.network.id, stale.id]).count() == 2


def test_project_sweep_deletes_vanished_rows_of_its_project_only(
    cloud: Any, tenant: Tenant, topology: Topology
) -> None:
    vanished = PortFactory(project_id=tenant.project_id)
    other_project = PortFactory()
    # Staged: a row that a concurrent targeted pass wrote after this sweep's listing began.
    written_meanwhile = PortFactory(
        project_id=tenant.project_id, synced_at=timezone.now() + timedelta(minutes=1)
    )

    result = reconcile_ports(conn=cloud, project_id=tenant.project_id)

    assert result.deleted == 1
    assert not Port.objects.filter(pk=vanished.pk).exists()
    assert Port.objects.filter(pk__in=[other_project.pk, written_meanwhile.pk]).count() == 2
    assert Port.objects.filter(pk=topology.port.id).exists()


def test_sweep_follows_every_page_of_a_listing(
    cloud: Any, tenant: Tenant, topology: Topology, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep that stopped after one page would delete the rows of the pages it missed."""
    assert reconcile_ports(conn=cloud, project_id=tenant.project_id).created >= 2
    monkeypatch.setattr("dashboard.mirror.reconcile.REVISION_PAGE_SIZE", 1)

    paged = reconcile_ports(conn=cloud, project_id=tenant.project_id)

    assert (paged.created, paged.updated, paged.deleted) == (0, 0, 0)
    assert paged.unchanged == Port.objects.count()


def test_sweep_of_all_projects_sees_every_project(
    cloud: Any, tenant: Tenant, topology: Topology
) -> None:
    vanished = NetworkFactory()

    result = reconcile_networks(conn=cloud)

    assert result.deleted == 1
    assert not Network.objects.filter(pk=vanished.pk).exists()
    public = Network.objects.get(pk=topology.public.id)
    assert public.router_external
    assert public.project_id != tenant.project_id
    assert Network.objects.filter(pk=topology.network.id, project_id=tenant.project_id).exists()


@pytest.fixture
def shared_network_policy(tenant: Tenant, topology: Topology, undo: Undo) -> Any:
    """The project's network shared with one other project, by an RBAC entry its member makes
    (Neutron takes any project id of the right shape as the target)."""
    net = tenant.conn.network
    policy = net.create_rbac_policy(
        object_type="network",
        object_id=topology.network.id,
        action="access_as_shared",
        target_project_id=uuid.uuid4().hex,
    )
    undo(lambda: net.delete_rbac_policy(policy, ignore_missing=True))
    return policy


def test_project_sweep_mirrors_the_rbac_entries_that_grant_it_access(
    cloud: Any, tenant: Tenant, topology: Topology, shared_network_policy: Any
) -> None:
    """Neutron shows a network shared with one project as shared to that project only, and the
    mirror (read as an administrator) sees it unshared: the target's sweep brings the entry."""
    policy = shared_network_policy
    target = policy.target_project_id
    unrelated = RBACPolicyFactory(target_project_id="another-project")

    reconcile_rbac_policies(conn=cloud, project_id=target)

    row = RBACPolicy.objects.get(pk=policy.id)
    assert (row.object_type, row.object_id, row.action, row.target_project_id) == (
        "network",
        topology.network.id,
        "access_as_shared",
        target,
    )
    public = RBACPolicy.objects.get(object_id=topology.public.id)
    assert (public.action, public.target_project_id) == ("access_as_external", "*")

    tenant.conn.network.delete_rbac_policy(policy)
    assert reconcile_rbac_policies(conn=cloud, project_id=target).deleted == 1
    assert not RBACPolicy.objects.filter(pk=policy.id).exists()
    assert RBACPolicy.objects.filter(pk__in=[public.pk, unrelated.pk]).count() == 2


def test_a_network_reconciled_by_id_comes_with_its_rbac_entries(
    cloud: Any, topology: Topology, shared_network_policy: Any
) -> None:
    """Who sees a network is part of it: a targeted pass (after an operation, on an event)
    mirrors its entries too, and drops those Neutron no longer has."""
    policy = shared_network_policy
    stale = RBACPolicyFactory(object_id=topology.network.id)

    reconcile_networks(conn=cloud, ids=[topology.network.id, topology.public.id])

    assert not Network.objects.get(pk=topology.network.id).shared  # as the admin reads it
    assert RBACPolicy.objects.get(pk=policy.id).target_project_id == policy.target_project_id
    assert RBACPolicy.objects.get(object_id=topology.public.id).action == "access_as_external"
    assert not RBACPolicy.objects.filter(pk=stale.pk).exists()


def test_task_sweeps_the_project_unless_a_sweep_already_holds_its_lock(
    tenant: Tenant, topology: Topology
) -> None:
    held = sweep_lock(group=GROUP, project_id=tenant.project_id)
    assert held.acquire(blocking=False)
    try:
        reconcile_networking_task.apply(kwargs={"project_id": tenant.project_id}).get()
        assert not Network.objects.exists()
    finally:
        held.release()

    reconcile_networking_task.apply(kwargs={"project_id": tenant.project_id}).get()
    assert Network.objects.filter(pk=topology.network.id).exists()
    assert Port.objects.filter(pk=topology.port.id).exists()


@pytest.mark.parametrize("kind", ["network", "router", "port"])
def test_the_first_object_brings_in_the_default_security_group_made_without_a_notification(
    cloud: Any, tenant: Tenant, topology: Topology, kind: str
) -> None:
    """Neutron made the project's default group and its rules with its first network, router or
    port, and sent no notification of them: reconciling such an object by id brings them in."""
    reconcile = {
        "network": reconcile_networks,
        "router": reconcile_routers,
        "port": reconcile_ports,
    }
    (default_group,) = cloud.network.security_groups(project_id=tenant.project_id, name="default")
    rules = {rule.id for rule in cloud.network.security_group_rules(project_id=tenant.project_id)}

    reconcile[kind](conn=cloud, ids=[getattr(topology, kind).id])

    group = SecurityGroup.objects.get(pk=default_group.id)
    assert (group.name, group.project_id) == ("default", tenant.project_id)
    assert SecurityGroup.objects.filter(pk=topology.security_group.id).exists()
    mirrored = SecurityGroupRule.objects.filter(project_id=tenant.project_id)
    assert set(mirrored.values_list("pk", flat=True)) == rules
    assert mirrored.filter(security_group_id=default_group.id).exists()
