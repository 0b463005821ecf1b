"""Freshness: how long after a change made with the SDK the mirror row shows it.

    .venv/bin/python bench/freshness.py [--changes 100] [--servers 0] [--others 0]
                                        [--images 0] [--no-listener]

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
restarted Glance). Nothing calls reconcile: a
notification listener runs in this process on a queue of its own, or, with --no-listener, the
one `bin/run` started must do the work. Prints p50/p95/max per kind of change and overall.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

import django

django.setup()

from common import start_listener  # noqa: E402
from django.core.management import call_command  # noqa: E402

from dashboard.cloud.connection import service_connection  # noqa: E402
from instances.models import Image, ImageMember, KeyPair, Server  # noqa: E402
from instances.reconcile import keypair_id  # noqa: E402
from instances.tests.keys import new_public_key  # noqa: E402
from networks.models import Network, Port, SecurityGroupRule  # noqa: E402

TIMEOUT = 30.0
POLL = 0.005


def _wait(check: Callable[[], bool]) -> float:
    """Seconds until `check()` holds (polling the database), or an error after TIMEOUT."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > TIMEOUT:
            raise SystemExit(f"the mirror did not follow within {TIMEOUT:.0f} s")
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
