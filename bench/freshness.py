"""Freshness: how long after a change made with the SDK the mirror row shows it.

    .venv/bin/python bench/freshness.py [--changes 100] [--servers 0] [--others 0]
                                        [--images 0] [--forwardings 0] [--quotas 0]
                                        [--no-listener]

Makes networks and ports in the local cloud's `demo` project with the dashboard's admin
connection, in cycles of six changes (create network, create port, rename port, rename network,
delete port, delete network), and times each from the moment the API answered until the mirror
row (in the database the settings name) is created, renamed or gone. With --servers N it also
boots N servers one by one: created (from the API's answer), ACTIVE (from the moment a tight
poll of Nova first sees it ACTIVE) and deleted (from Nova's 404). With --others N, N cycles of
a key pair imported and deleted (as the dashboard's service user) and a security group rule
added and deleted in the demo project's default group; with --images N, N cycles of an image
created, renamed, shared with the admin project and deleted (Glance's notifications, which a
cloud started before devcloud enabled them sends only after `python3 -m devcloud up`
restarted Glance); with --forwardings N, N port forwardings made, changed and deleted on a
floating IP of the demo project (a network, router with its gateway on `public`, port and
floating IP made for them and removed again); with --quotas N, N cycles of the demo project's
network limit raised and restored in Neutron and its compute limit of servers set and removed
in Keystone (the dashboard on Nova's unified limits; a registered limit of servers is made if
Keystone has none, and removed again), each at a random moment of the quota sweep's period: no
event tells of a quota, so beat's sweep brings them (run here in a thread as beat schedules it,
every settings.QUOTA_SWEEP_SECONDS; with --no-listener, `bin/run`'s beat, started with
OPENSTACK_COMPUTE_UNIFIED_LIMITS=1). Nothing else calls reconcile: a notification listener
runs in this process on a queue of its own, or, with --no-listener, the one `bin/run` started
must do the work. Prints p50/p95/max per kind of change and overall.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

import django

django.setup()

from common import start_listener  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from dashboard.cloud.connection import service_connection  # noqa: E402
from instances.models import Image, ImageMember, KeyPair, Server  # noqa: E402
from instances.reconcile import keypair_id  # noqa: E402
from instances.tests.keys import new_public_key  # noqa: E402
from networks.models import (  # noqa: E402
    FloatingIP,
    Network,
    Port,
    PortForwarding,
    SecurityGroupRule,
)
from tenants.models import Quota  # noqa: E402
from tenants.reconcile import compute_service_id, quota_id  # noqa: E402
from tenants.tasks import reconcile_quotas_task  # noqa: E402

TIMEOUT = 30.0
POLL = 0.005


def _wait(check: Callable[[], bool], timeout: float = TIMEOUT) -> float:
    """Seconds until `check()` holds (polling the database), or an error after `timeout`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"the mirror did not follow within {timeout:.0f} s")
        time.sleep(POLL)
    return time.monotonic() - started


def _cycle(conn: Any, project_id: str, record: Callable[[str, float], None]) -> None:
    name = f"bench-{secrets.token_hex(4)}"
    network = conn.network.create_network(name=name, project_id=project_id)
    record("network create", _wait(lambda: Network.objects.filter(pk=network.id).exists()))
    port = conn.network.create_port(network_id=network.id, project_id=project_id)
    record("port create", _wait(lambda: Port.objects.filter(pk=port.id).exists()))
    conn.network.update_port(port, name=f"{name}-p")
    record("port update", _wait(lambda: Port.objects.filter(pk=port.id, name=f"{name}-p").exists()))
    conn.network.update_network(network, name=f"{name}-n")
    record(
        "network update",
        _wait(lambda: Network.objects.filter(pk=network.id, name=f"{name}-n").exists()),
    )
    conn.network.delete_port(port)
    record("port delete", _wait(lambda: not Port.objects.filter(pk=port.id).exists()))
    conn.network.delete_network(network)
    record("network delete", _wait(lambda: not Network.objects.filter(pk=network.id).exists()))


def _other_cycle(conn: Any, project_id: str, record: Callable[[str, float], None]) -> None:
    """A key pair imported and deleted, a rule added to and removed from the default group."""
    name = f"bench-{secrets.token_hex(4)}"
    keypair = conn.compute.create_keypair(name=name, public_key=new_public_key())
    row_id = keypair_id(user_id=conn.current_user_id, name=name)
    record("key pair create", _wait(lambda: KeyPair.objects.filter(pk=row_id).exists()))
    conn.compute.delete_keypair(keypair)
    record("key pair delete", _wait(lambda: not KeyPair.objects.filter(pk=row_id).exists()))
    group = conn.network.find_security_group("default", project_id=project_id)
    port = 20000 + secrets.randbelow(40000)
    rule = conn.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=port,
        port_range_max=port,
    )
    record("rule create", _wait(lambda: SecurityGroupRule.objects.filter(pk=rule.id).exists()))
    conn.network.delete_security_group_rule(rule)
    record("rule delete", _wait(lambda: not SecurityGroupRule.objects.filter(pk=rule.id).exists()))


def _image_cycle(conn: Any, record: Callable[[str, float], None]) -> None:
    """An image (no data) created, renamed, shared and deleted."""
    name = f"bench-{secrets.token_hex(4)}"
    image = conn.image.create_image(
        name=name, disk_format="raw", container_format="bare", visibility="shared"
    )
    try:
        record("image create", _wait(lambda: Image.objects.filter(pk=image.id).exists()))
        conn.image.update_image(image, name=f"{name}-r")
        record(
            "image update",
            _wait(lambda: Image.objects.filter(pk=image.id, name=f"{name}-r").exists()),
        )
        conn.image.add_member(image, member_id=conn.current_project_id)
        record(
            "image member",
            _wait(lambda: ImageMember.objects.filter(image_id=image.id).exists()),
        )
    finally:
        conn.image.delete_image(image, ignore_missing=True)
    record("image delete", _wait(lambda: not Image.objects.filter(pk=image.id).exists()))


def _forwarding(
    conn: Any, floating_ip_id: str, port: Any, record: Callable[[str, float], None]
) -> None:
    external = 20000 + secrets.randbelow(40000)
    rule = conn.network.create_port_forwarding(
        floatingip_id=floating_ip_id,
        internal_port_id=port.id,
        internal_ip_address=port.fixed_ips[0]["ip_address"],
        internal_port=22,
        external_port=external,
        protocol="tcp",
    )
    rows = PortForwarding.objects.filter(pk=rule.id)
    record("forwarding create", _wait(rows.exists))
    conn.network.update_port_forwarding(rule, floating_ip_id, external_port=external + 1)
    record(
        "forwarding update",
        _wait(lambda: rows.filter(external_port_number=external + 1).exists()),
    )
    conn.network.delete_port_forwarding(rule, floating_ip_id)
    record("forwarding delete", _wait(lambda: not rows.exists()))


def _forwardings(
    conn: Any, project_id: str, count: int, record: Callable[[str, float], None]
) -> None:
    """`count` port forwardings made, changed and deleted in turn on one floating IP of the
    project, which reaches a port through a router made for it; all removed afterwards."""
    public = conn.network.find_network("public", ignore_missing=False)
    network = conn.network.create_network(
        name=f"bench-{secrets.token_hex(4)}", project_id=project_id
    )
    router = None
    floating_ip = None
    try:
        subnet = conn.network.create_subnet(
            network_id=network.id, ip_version=4, cidr="10.96.0.0/24", project_id=project_id
        )
        router = conn.network.create_router(
            name=network.name,
            project_id=project_id,
            external_gateway_info={"network_id": public.id},
        )
        conn.network.add_interface_to_router(router, subnet_id=subnet.id)
        port = conn.network.create_port(network_id=network.id, project_id=project_id)
        floating_ip = conn.network.create_ip(floating_network_id=public.id, project_id=project_id)
        # Shown before anyone forwards from it, as on the floating IPs page.
        _wait(lambda: FloatingIP.objects.filter(pk=floating_ip.id).exists())
        for _ in range(count):
            _forwarding(conn, floating_ip.id, port, record)
    finally:
        if floating_ip is not None:
            for rule in conn.network.port_forwardings(floating_ip):
                conn.network.delete_port_forwarding(rule, floating_ip.id, ignore_missing=True)
            conn.network.delete_ip(floating_ip, ignore_missing=True)
        if router is not None:
            for each in conn.network.ports(device_id=router.id):
                if each.device_owner == "network:router_interface":
                    conn.network.remove_interface_from_router(router, port_id=each.id)
            conn.network.delete_router(router, ignore_missing=True)
        for each in conn.network.ports(network_id=network.id):
            conn.network.delete_port(each, ignore_missing=True)
        conn.network.delete_network(network, ignore_missing=True)


def _quota_sweeps(stop: threading.Event) -> None:
    """Beat's sweep of every project's quotas, every QUOTA_SWEEP_SECONDS as beat runs it."""
    while not stop.is_set():
        began = time.monotonic()
        reconcile_quotas_task(rolling=True)
        stop.wait(max(0.0, settings.QUOTA_SWEEP_SECONDS - (time.monotonic() - began)))


def _quota_limit(project_id: str, service: str, resource: str, limit: int) -> float:
    """Seconds until the mirror holds `limit` of the project's quota, waiting a sweep's period
    and then some."""
    row = quota_id(project_id=project_id, service=service, resource=resource)
    return _wait(
        lambda: Quota.objects.filter(pk=row, limit=limit).exists(),
        timeout=2 * settings.QUOTA_SWEEP_SECONDS + TIMEOUT,
    )


def _at_a_random_moment() -> None:
    """Sleep for a random part of the quota sweep's period, so changes land anywhere in it."""
    time.sleep(random.uniform(0, settings.QUOTA_SWEEP_SECONDS))


def _quota_cycle(
    conn: Any, project_id: str, registered: int, record: Callable[[str, float], None]
) -> None:
    """The project's network limit raised by one and restored (Neutron), and a compute limit of
    servers set and removed (Keystone's unified limits)."""
    overridden = any(quota.project_id == project_id for quota in conn.network.quotas())
    networks = conn.network.get_quota(project_id).networks
    _at_a_random_moment()
    conn.network.update_quota(project_id, networks=networks + 1)
    try:
        record("network quota", _quota_limit(project_id, "network", "network", networks + 1))
        _at_a_random_moment()
    finally:
        if overridden:
            conn.network.update_quota(project_id, networks=networks)
        else:
            conn.network.delete_quota(project_id)
    record("network quota", _quota_limit(project_id, "network", "network", networks))
    _at_a_random_moment()
    limit = conn.identity.create_limit(
        service_id=compute_service_id(conn=conn),
        project_id=project_id,
        resource_name="servers",
        resource_limit=registered + 1,
    )
    try:
        record("compute limit", _quota_limit(project_id, "compute", "instances", registered + 1))
        _at_a_random_moment()
    finally:
        conn.identity.delete_limit(limit)
    record("compute limit", _quota_limit(project_id, "compute", "instances", registered))


def _quota_cycles(
    conn: Any, project_id: str, count: int, sweeps: bool, record: Callable[[str, float], None]
) -> None:
    """`count` quota cycles with the dashboard on unified limits and a registered limit of
    servers (made and removed again when Keystone has none), beat's sweep in a thread unless
    `sweeps` is False."""
    settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS = True
    service_id = compute_service_id(conn=conn)
    found = list(conn.identity.registered_limits(service_id=service_id, resource_name="servers"))
    made = None
    if not found:
        made = conn.identity.create_registered_limit(
            service_id=service_id, resource_name="servers", default_limit=10
        )
    registered = int((found[0] if found else made).default_limit)
    stop = threading.Event()
    if sweeps:
        threading.Thread(target=_quota_sweeps, args=(stop,), daemon=True).start()
    try:
        _quota_limit(project_id, "compute", "instances", registered)  # the first sweep's done
        for _ in range(count):
            _quota_cycle(conn, project_id, registered, record)
    finally:
        stop.set()
        if made is not None:
            conn.identity.delete_registered_limit(made)


def _until_cloud(check: Callable[[], bool]) -> None:
    """Poll the cloud until `check()` holds (a server's status), at most a minute."""
    deadline = time.monotonic() + 60
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("the cloud did not get there within 60 s")
        time.sleep(0.05)


def _server(conn: Any, network_id: str, record: Callable[[str, float], None]) -> None:
    server = conn.compute.create_server(
        name=f"bench-{secrets.token_hex(4)}",
        flavor_id=conn.compute.find_flavor("m1.nano", ignore_missing=False).id,
        image_id=conn.image.find_image("cirros-fake", ignore_missing=False).id,
        networks=[{"uuid": network_id}],
    )
    record("server create", _wait(lambda: Server.objects.filter(pk=server.id).exists()))
    _until_cloud(lambda: conn.compute.get_server(server.id).status == "ACTIVE")
    record(
        "server active",
        _wait(lambda: Server.objects.filter(pk=server.id, status="ACTIVE").exists()),
    )
    conn.compute.delete_server(server)
    _until_cloud(lambda: conn.compute.find_server(server.id) is None)
    record("server delete", _wait(lambda: not Server.objects.filter(pk=server.id).exists()))


def _servers(conn: Any, count: int, record: Callable[[str, float], None]) -> None:
    """Boot, wait for and delete `count` servers one by one, on a network made for them."""
    network = conn.network.create_network(name=f"bench-{secrets.token_hex(4)}")
    try:
        conn.network.create_subnet(network_id=network.id, ip_version=4, cidr="10.98.0.0/24")
        for _ in range(count):
            _server(conn, network.id, record)
    finally:
        for port in conn.network.ports(network_id=network.id):
            conn.network.delete_port(port, ignore_missing=True)
        conn.network.delete_network(network, ignore_missing=True)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _line(label: str, values: list[float]) -> str:
    return (
        f"{label:<16}{len(values):>5}  p50 {statistics.median(values) * 1000:6.0f} ms"
        f"  p95 {_percentile(values, 0.95) * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=100, help="at least this many (default 100)")
    parser.add_argument("--servers", type=int, default=0, help="servers to boot (default 0)")
    parser.add_argument("--others", type=int, default=0, help="key pair and rule cycles")
    parser.add_argument("--images", type=int, default=0, help="image cycles (Glance's events)")
    parser.add_argument("--forwardings", type=int, default=0, help="port forwarding cycles")
    parser.add_argument("--quotas", type=int, default=0, help="quota cycles (beat's sweep)")
    parser.add_argument(
        "--no-listener", action="store_true", help="rely on a listener running elsewhere"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    conn: Any = service_connection()  # the SDK proxies are typed per API version
    project_id = conn.identity.find_project(
        os.environ.get("DEVCLOUD_DEMO_PROJECT", "demo"), ignore_missing=False
    ).id
    listener = None if args.no_listener else start_listener()
    samples: dict[str, list[float]] = {}

    def record(kind: str, seconds: float) -> None:
        samples.setdefault(kind, []).append(seconds)

    cycles = -(-args.changes // 6)
    started = time.monotonic()
    try:
        for _ in range(cycles):
            _cycle(conn, project_id, record)
        if args.servers:
            _servers(conn, args.servers, record)
        for _ in range(args.others):
            _other_cycle(conn, project_id, record)
        for _ in range(args.images):
            _image_cycle(conn, record)
        if args.forwardings:
            _forwardings(conn, project_id, args.forwardings, record)
        if args.quotas:
            _quota_cycles(conn, project_id, args.quotas, not args.no_listener, record)
    finally:
        if listener is not None:
            listener.stop()
    every = [value for values in samples.values() for value in values]
    print(f"freshness: {len(every)} changes in {time.monotonic() - started:.0f} s")
    for kind, values in samples.items():
        print(_line(kind, values))
    print(_line("all", every))


if __name__ == "__main__":
    main()
