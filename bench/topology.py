"""Topology at scale: the graph endpoint's server time, and Chromium's time to draw the picture.

Fills a fresh SQLite mirror with one project of 1,000 ports: 100 networks (one subnet each), 50
routers (gateway on `public`, an interface on each of two networks), 700 instances with one NIC
each (every other one with a floating IP), 200 free ports; then times `graph.json` through
Django's test client, and loads the page in Debian's Chromium (Playwright) against a live server:
first contentful paint, and the time until every node is drawn. Signs in as `demo` on the local
cloud (`python3 -m devcloud up`).

    .venv/bin/python bench/topology.py [--requests 30] [--loads 5]
"""

import argparse
import statistics
import time
import uuid
from typing import Any

from common import percentile, seeded_password, signed_in_client, start_django

NETWORKS, ROUTERS, SERVERS, FREE_PORTS = 100, 50, 700, 200


def fill_mirror(project_id: str) -> int:
    """The project's rows; returns how many ports it has."""
    from django.utils import timezone

    from instances.models import Server
    from networks.models import FloatingIP, Network, Port, Router, Subnet

    now = timezone.now()
    common: dict[str, Any] = {"project_id": project_id, "synced_at": now}
    public = Network(id=str(uuid.uuid4()), name="public", router_external=True, **common)
    networks = [Network(id=str(uuid.uuid4()), name=f"net-{n}", **common) for n in range(NETWORKS)]
    subnets = [
        Subnet(
            id=str(uuid.uuid4()),
            network_id=network.id,
            ip_version=4,
            cidr=f"10.{n // 256}.{n % 256}.0/24",
            **common,
        )
        for n, network in enumerate(networks)
    ]
    routers = [
        Router(
            id=str(uuid.uuid4()),
            name=f"router-{r}",
            external_network_id=public.id,
            external_gateway_info={"network_id": public.id, "external_fixed_ips": []},
            **common,
        )
        for r in range(ROUTERS)
    ]
    servers = [
        Server(id=str(uuid.uuid4()), name=f"vm-{s}", status="ACTIVE", **common)
        for s in range(SERVERS)
    ]
    ports, floating_ips = [], []

    def port(subnet: Subnet, host: int, owner: str, device: str) -> Port:
        made = Port(
            id=str(uuid.uuid4()),
            network_id=subnet.network_id,
            fixed_ips=[{"subnet_id": subnet.id, "ip_address": subnet.cidr[:-4] + str(host)}],
            device_owner=owner,
            device_id=device,
            status="ACTIVE",
            **common,
        )
        ports.append(made)
        return made

    for r, router in enumerate(routers):
        for subnet in subnets[2 * r : 2 * r + 2]:
            port(subnet, 1, "network:router_interface", router.id)
    for s, server in enumerate(servers):
        nic = port(subnets[s % NETWORKS], 10 + s // NETWORKS, "compute:nova", server.id)
        if s % 2 == 0:
            floating_ips.append(
                FloatingIP(
                    id=str(uuid.uuid4()),
                    floating_ip_address=f"203.0.{s // 250}.{s % 250 + 2}",
                    floating_network_id=public.id,
                    port_id=nic.id,
                    fixed_ip_address=nic.fixed_ips[0]["ip_address"],
                    **common,
                )
            )
    for f in range(FREE_PORTS):
        port(subnets[f % NETWORKS], 200 + f // NETWORKS, "", "")
    Network.objects.bulk_create([public, *networks])
    Subnet.objects.bulk_create(subnets)
    Router.objects.bulk_create(routers)
    Server.objects.bulk_create(servers, batch_size=500)
    Port.objects.bulk_create(ports, batch_size=500)
    FloatingIP.objects.bulk_create(floating_ips, batch_size=500)
    return len(ports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    start_django("topology", DJANGO_ALLOW_ASYNC_UNSAFE="true")
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connection
    from django.test.testcases import LiveServerThread
    from django.test.utils import CaptureQueriesContext
    from playwright.sync_api import sync_playwright

    from dashboard.testing.browser import CHROMIUM, CHROMIUM_ARGS

    client = signed_in_client("demo")
    password = seeded_password("demo")
    ports = fill_mirror(client.session["keystone"]["project_id"])

    times, queries, size = [], 0, 0
    for _ in range(args.requests):
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            response = client.get("/network/topology/graph.json")
            times.append((time.perf_counter() - begun) * 1000)
        queries, size = len(captured), len(response.content)
    nodes = sum(1 for e in response.json()["elements"] if e["group"] == "nodes")
    print(f"project: {ports} ports, {nodes} nodes, graph.json {size / 1024:.0f} KiB")
    print(
        f"graph.json server time: p50 {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, {queries} queries"
    )

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    paints, drawn = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/auth/login/")
        page.get_by_label("User name").fill("demo")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")
        for _ in range(args.loads):
            begun = time.perf_counter()
            page.goto(f"{base}/network/topology/")
            page.wait_for_selector('#topology[data-version="1"]', timeout=120_000)
            drawn.append((time.perf_counter() - begun) * 1000)
            paints.append(
                page.evaluate(
                    "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
                )
            )
        browser.close()
    server.terminate()
    print(
        f"Chromium first contentful paint: p50 {statistics.median(paints):.0f} ms; "
        f"every node drawn: p50 {statistics.median(drawn):.0f} ms, max {max(drawn):.0f} ms "
        f"({args.loads} loads)"
    )


if __name__ == "__main__":
    main()
