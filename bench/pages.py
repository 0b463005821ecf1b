"""List pages' server time and SQL queries on a large mirror: networks, ports, routers, FIPs.

Fills a fresh SQLite mirror with one project's 200 networks (one subnet each), 2,000 ports (server
NICs, router interfaces, DHCP), 200 routers with gateways and interfaces, and 400 floating IPs
(half associated), plus as many rows again in another project, then times each list page through
Django's test client (the dashboard's own server time, no HTTP server): the first page, a filtered
page (quick search + a filter) and a sorted later page. Signs in for real as `demo` on the local
cloud (`python3 -m devcloud up`); pages make no cloud call.

    .venv/bin/python bench/pages.py [--requests 50]
"""

import argparse
import time
import uuid
from typing import Any

from common import print_header, signed_in_client, start_django, time_get

NETWORKS = 200
PORTS_PER_NETWORK = 10
ROUTERS = 200
FLOATING_IPS = 400

# (page, URL name, query of the filtered page, query of a sorted later page)
PAGES = [
    ("networks", "networks:network_list", "q=net-1&status=ACTIVE", "sort=-name&page=3"),
    ("ports", "networks:port_list", "q=10.0.1&status=ACTIVE", "sort=-name&page=20"),
    ("routers", "networks:router_list", "q=router-1&status=ACTIVE", "sort=-name&page=3"),
    ("floating IPs", "networks:floating_ip_list", "q=203.0.113.1&status=ACTIVE", "page=5"),
]


def network_with_subnet(
    n: int, cidr: str, gateway_ip: str, common: dict[str, Any]
) -> tuple[Any, Any]:
    """Network `net-n` and its one IPv4 subnet `subnet-n`, not yet written."""
    from networks.models import Network, Subnet

    network = Network(id=str(uuid.uuid4()), name=f"net-{n}", status="ACTIVE", **common)
    subnet = Subnet(
        id=str(uuid.uuid4()),
        name=f"subnet-{n}",
        network_id=network.id,
        ip_version=4,
        cidr=cidr,
        gateway_ip=gateway_ip,
        **common,
    )
    return network, subnet


def fill_mirror(project_id: str, external_id: str, prefix: int) -> None:
    """One project's networking rows, written in bulk (`prefix` keeps addresses apart)."""
    from django.utils import timezone

    from networks.models import FloatingIP, Network, Port, Router, Subnet

    now = timezone.now()
    common: dict[str, Any] = {"project_id": project_id, "synced_at": now, "revision_number": 1}
    networks, subnets, ports, routers, floating_ips = [], [], [], [], []
    for n in range(NETWORKS):
        cidr = f"10.{prefix + n // 256}.{n % 256}.0/24"
        network, subnet = network_with_subnet(n, cidr, cidr.replace(".0/24", ".1"), common)
        router = Router(
            id=str(uuid.uuid4()),
            name=f"router-{n}",
            status="ACTIVE",
            external_network_id=external_id,
            enable_snat=True,
            external_gateway_info={"network_id": external_id, "enable_snat": True},
            routes=[{"destination": "192.168.0.0/24", "nexthop": cidr.replace(".0/24", ".9")}],
            **common,
        )
        networks.append(network)
        subnets.append(subnet)
        routers.append(router)
        for p in range(PORTS_PER_NETWORK):
            owner, device = "compute:nova", str(uuid.uuid4())
            if p == 0:
                owner, device = "network:router_interface", router.id
            elif p == 1:
                owner, device = "network:dhcp", f"dhcp-{network.id}"
            address = cidr.replace(".0/24", f".{p + 1 if p == 0 else p + 10}")
            ports.append(
                Port(
                    id=str(uuid.uuid4()),
                    name=f"port-{n}-{p}",
                    network_id=network.id,
                    status="ACTIVE",
                    mac_address=f"fa:16:3e:{prefix:02x}:{n % 256:02x}:{p:02x}",
                    fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
                    device_owner=owner,
                    device_id=device,
                    **common,
                )
            )
    for f in range(FLOATING_IPS):
        port = ports[f * 5 + 2] if f % 2 == 0 else None
        floating_ips.append(
            FloatingIP(
                id=str(uuid.uuid4()),
                floating_ip_address=f"203.{prefix}.{f // 250}.{f % 250 + 2}",
                floating_network_id=external_id,
                port_id=port.id if port else None,
                fixed_ip_address=port.fixed_ips[0]["ip_address"] if port else "",
                status="ACTIVE" if port else "DOWN",
                **common,
            )
        )
    for model, rows in (
        (Network, networks),
        (Subnet, subnets),
        (Port, ports),
        (Router, routers[:ROUTERS]),
        (FloatingIP, floating_ips),
    ):
        model.objects.bulk_create(rows, batch_size=500)


def external_network() -> str:
    """The shared external network every project sees (through the RBAC entry Neutron makes
    for an external network), in the mirror; its id."""
    from django.utils import timezone

    from networks.models import Network, RBACPolicy

    external = Network.objects.create(
        id=str(uuid.uuid4()),
        name="public",
        project_id="admin",
        router_external=True,
        status="ACTIVE",
        synced_at=timezone.now(),
    )
    # Every project sees it through the entry Neutron makes for an external network.
    RBACPolicy.objects.create(
        id=str(uuid.uuid4()),
        project_id="admin",
        object_type="network",
        object_id=external.id,
        action="access_as_external",
        target_project_id="*",
        synced_at=timezone.now(),
    )
    return str(external.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    start_django("pages")
    from django.urls import NoReverseMatch, reverse

    client = signed_in_client("demo")
    project_id = client.session["keystone"]["project_id"]
    external_id = external_network()
    started = time.perf_counter()
    fill_mirror(project_id, external_id, prefix=0)
    fill_mirror(uuid.uuid4().hex, external_id, prefix=100)
    print(f"mirror filled in {time.perf_counter() - started:.1f} s (two projects)")

    print_header("page", 24)
    for label, url_name, filtered, later in PAGES:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            print(f"{label:<24} (no such page yet)")
            continue
        for variant, query in (("first", ""), ("filtered", filtered), ("sorted", later)):
            target = f"{url}?{query}" if query else url
            time_get(client, f"{label}, {variant}", target, requests=args.requests, width=24)


if __name__ == "__main__":
    main()
