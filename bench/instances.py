"""Instances page and launch form server time with a large compute mirror.

Fills a fresh SQLite mirror with one project's 500 servers, each with 2 ports and a floating IP,
plus 200 images and 100 flavors (and as many servers again in another project), then times,
through Django's test client (the dashboard's own server time): the instances list's first page,
a filtered page (status and IP address), a page of 300 rows, and the launch form. Signs in for
real as `demo` on the local cloud (`python3 -m devcloud up`); the pages make no cloud call.

    .venv/bin/python bench/instances.py [--requests 50]
"""

import argparse
import uuid
from typing import Any

from common import print_header, signed_in_client, start_django, time_get

SERVERS, IMAGES, FLAVORS = 500, 200, 100


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

    start_django("instances")
    client = signed_in_client("demo")
    fill_mirror(client.session["keystone"]["project_id"], prefix=0)
    fill_mirror(uuid.uuid4().hex, prefix=100)
    fill_catalog()

    print_header("page", 30)
    for label, url in (
        ("instances, first page", "/compute/instances/"),
        ("instances, filtered", "/compute/instances/?status=ACTIVE&ip=10.0.1"),
        ("instances, sorted page 10", "/compute/instances/?sort=-name&page=10"),
        ("instances, 300 rows", "/compute/instances/?per_page=300"),
        ("launch form", "/compute/instances/launch/"),
    ):
        time_get(client, label, url, requests=args.requests, width=30)


if __name__ == "__main__":
    main()
