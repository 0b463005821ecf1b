"""Instances page and launch form server time with a large compute mirror.

Fills a fresh SQLite mirror with one project's 500 servers, each with 2 ports and a floating IP,
plus 200 images and 100 flavors (and as many servers again in another project), then times,
through Django's test client (the dashboard's own server time): the instances list's first page,
a filtered page (status and IP address), and the launch form. Signs in for real as `demo` on the
local cloud (`python3 -m devcloud up`); the pages make no cloud call.

    .venv/bin/python bench/instances.py [--requests 50]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVERS, IMAGES, FLAVORS = 500, 200, 100


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def fill_mirror(project_id: str, prefix: int) -> None:
    """One project's servers, two NICs each (one with a floating IP), written in bulk."""
    from django.utils import timezone

    from instances.models import Server
    from networks.models import FloatingIP, Network, Port, Subnet

    now = timezone.now()
    common: dict[str, Any] = {"project_id": project_id, "synced_at": now}
    networks = [Network(id=str(uuid.uuid4()), name=f"net-{n}", **common) for n in range(2)]
    subnets = [
        Subnet(
            id=str(uuid.uuid4()),
            network_id=network.id,
            ip_version=4,
            cidr=f"10.{prefix + n}.0.0/16",
            **common,
        )
        for n, network in enumerate(networks)
    ]
    servers, ports, floating_ips = [], [], []
    for s in range(SERVERS):
        server = Server(
            id=str(uuid.uuid4()),
            name=f"vm-{s}",
            status="ACTIVE" if s % 10 else "SHUTOFF",
            vm_state="active",
            power_state=1,
            flavor_name="m1.tiny",
            vcpus=1,
            ram=512,
            disk=1,
            created_at=now,
            **common,
        )
        addresses: dict[str, list[dict[str, Any]]] = {}
        for n, subnet in enumerate(subnets):
            address = f"10.{prefix + n}.{s // 250}.{s % 250 + 2}"
            port = Port(
                id=str(uuid.uuid4()),
                network_id=subnet.network_id,
                fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
                device_owner="compute:nova",
                device_id=server.id,
                status="ACTIVE",
                **common,
            )
            ports.append(port)
            entry = [{"addr": address, "version": 4, "OS-EXT-IPS:type": "fixed"}]
            if n == 0:
                floating = f"203.{prefix}.{s // 250}.{s % 250 + 2}"
                floating_ips.append(
                    FloatingIP(
                        id=str(uuid.uuid4()),
                        floating_ip_address=floating,
                        port_id=port.id,
                        fixed_ip_address=address,
                        status="ACTIVE",
                        **common,
                    )
                )
                entry.append({"addr": floating, "version": 4, "OS-EXT-IPS:type": "floating"})
            addresses[f"net-{n}"] = entry
        server.addresses = addresses
        servers.append(server)
    Network.objects.bulk_create(networks)
    Subnet.objects.bulk_create(subnets)
    Server.objects.bulk_create(servers, batch_size=500)
    Port.objects.bulk_create(ports, batch_size=500)
    FloatingIP.objects.bulk_create(floating_ips, batch_size=500)


def fill_catalog() -> None:
    """Public images and flavors every project may launch from."""
    from django.utils import timezone

    from instances.models import Flavor, Image

    now = timezone.now()
    Image.objects.bulk_create(
        Image(
            id=str(uuid.uuid4()),
            name=f"image-{i}",
            status="active",
            visibility="public",
            synced_at=now,
        )
        for i in range(IMAGES)
    )
    Flavor.objects.bulk_create(
        Flavor(
            id=str(uuid.uuid4()),
            name=f"flavor-{f}",
            vcpus=1 + f % 8,
            ram=512 * (1 + f % 16),
            disk=1 + f % 40,
            synced_at=now,
        )
        for f in range(FLAVORS)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-instances-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/14",
        DJANGO_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    call_command("migrate", verbosity=0)
    setup_test_environment()
    devcloud_home = Path(os.environ.get("DEVCLOUD_HOME", ROOT / ".devcloud"))
    password = json.loads((devcloud_home / "credentials.json").read_text())["demo"]
    client = Client()
    login = {"username": "demo", "password": password, "domain": "Default"}
    assert client.post("/auth/login/", login).status_code == 302, "sign-in as demo failed"
    fill_mirror(client.session["keystone"]["project_id"], prefix=0)
    fill_mirror(uuid.uuid4().hex, prefix=100)
    fill_catalog()

    print(f"{'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, url in (
        ("instances, first page", "/compute/instances/"),
        ("instances, filtered", "/compute/instances/?status=ACTIVE&ip=10.0.1"),
        ("instances, sorted page 10", "/compute/instances/?sort=-name&page=10"),
        ("launch form", "/compute/instances/launch/"),
    ):
        client.get(url)  # warm up
        times, queries = [], 0
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                begun = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            queries = len(captured)
        print(
            f"{label:<30} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
            f"{queries:8d}"
        )


if __name__ == "__main__":
    main()
