"""Topology at scale: the graph endpoint's server time, and Chromium's time to draw the picture.

Fills a fresh SQLite mirror with one project of about `--nodes` nodes (default 1,151) in the
proportions of the first run: per 1,151 nodes, 100 networks (one subnet each) and `public`, 50
routers (gateway on `public`, an interface on each of two networks), 700 instances with one NIC
each (every other one with a floating IP), 200 free ports. Then:
- `graph.json` through Django's test client: server time p50/p95 and SQL queries, in process, of
  a graph built (its cached copy dropped first), of one kept for its mirror version, and the
  revalidation (304) of an unchanged graph;
- the same under gunicorn (one sync worker, DEBUG off, the bench's database) over loopback HTTP;
- the page in Debian's Chromium (Playwright) from that gunicorn: first contentful paint, the time
  from navigation until every node is painted (topology.js's `topology:nodes-drawn` mark), and
  until the lines are too (the graph applied, then two animation frames).
Signs in as `demo` on the local cloud (`python3 -m devcloud up`).

    .venv/bin/python bench/topology.py [--nodes 5000] [--requests 30] [--loads 5]
"""

import argparse
import os
import statistics
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from common import ROOT, free_port, percentile, seeded_password, signed_in_client, start_django

# Per 1,151 nodes (with `public` and the subnets).
NETWORKS, ROUTERS, SERVERS, FREE_PORTS = 100, 50, 700, 200
BASE_NODES = 1 + 2 * NETWORKS + ROUTERS + SERVERS + FREE_PORTS


def fill_mirror(project_id: str, scale: float) -> int:
    """The project's rows, `scale` times the base proportions; returns how many ports it has."""
    from django.utils import timezone

    from instances.models import Server
    from networks.models import FloatingIP, Network, Port, Router, Subnet

    networks_count = round(NETWORKS * scale)
    routers_count = round(ROUTERS * scale)
    servers_count = round(SERVERS * scale)
    free_ports_count = round(FREE_PORTS * scale)
    now = timezone.now()
    common: dict[str, Any] = {"project_id": project_id, "synced_at": now}
    public = Network(id=str(uuid.uuid4()), name="public", router_external=True, **common)
    networks = [
        Network(id=str(uuid.uuid4()), name=f"net-{n}", **common) for n in range(networks_count)
    ]
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
        for r in range(routers_count)
    ]
    servers = [
        Server(id=str(uuid.uuid4()), name=f"vm-{s}", status="ACTIVE", **common)
        for s in range(servers_count)
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
        nic = port(subnets[s % networks_count], 10 + s // networks_count, "compute:nova", server.id)
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
    for f in range(free_ports_count):
        port(subnets[f % networks_count], 200 + f // networks_count, "", "")
    Network.objects.bulk_create([public, *networks])
    Subnet.objects.bulk_create(subnets)
    Router.objects.bulk_create(routers)
    Server.objects.bulk_create(servers, batch_size=500)
    Port.objects.bulk_create(ports, batch_size=500)
    FloatingIP.objects.bulk_create(floating_ips, batch_size=500)
    return len(ports)


class AccessLog:
    """gunicorn's own time for each request it served, from its access log (`%(D)s`:
    microseconds from reading the request to the response sent): the server time, without the
    client's HTTP work and the connection's set-up that a time taken over loopback includes."""

    FORMAT = "%(D)s"

    def __init__(self, path: Path) -> None:
        path.touch()
        self._file = path.open("rb")

    def skip(self) -> None:
        """Pass over what was served so far (gunicorn's start-up probe)."""
        self._file.read()

    def next_ms(self) -> float:
        """The time of the next request served, once gunicorn has written it (after the
        response, so it may come a moment after the client read the whole response)."""
        for _ in range(2000):
            line = self._file.readline()
            if line.endswith(b"\n"):
                return int(line) / 1000
            self._file.seek(self._file.tell() - len(line))
            time.sleep(0.001)
        raise SystemExit("gunicorn wrote no access log line within 2 s")


def start_gunicorn(
    code: Path = ROOT, access_log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with one sync worker on the bench's database (the environment start_django set),
    DEBUG off, serving the dashboard's code in `code` (another checkout of it: this one's local
    cloud and secret key), each request's time in `access_log` (read it with `AccessLog`);
    returns the process and its base URL once it answers."""
    port = free_port()
    times = (
        ["--access-logfile", str(access_log), "--access-logformat", AccessLog.FORMAT]
        if access_log is not None
        else []
    )
    environment = {**os.environ, "DJANGO_DEBUG": "false"}
    if code != ROOT:
        from django.conf import settings  # the sessions signed here are read there

        environment |= {
            "PYTHONPATH": str(code),
            "DEVCLOUD_HOME": os.environ.get("DEVCLOUD_HOME", str(ROOT / ".devcloud")),
            "DJANGO_SECRET_KEY": str(settings.SECRET_KEY),
        }
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "dashboard.wsgi:application",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *times,
        ],
        cwd=code,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/auth/login/", timeout=5)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def timed_get(
    url: str, cookies: str, etag: str = "", accept: str = "application/json"
) -> tuple[float, int, str]:
    """(milliseconds, status, ETag) of a GET over loopback HTTP."""
    headers = {"Cookie": cookies, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers)
    begun = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status, tag = response.status, response.headers.get("ETag", "")
    except urllib.error.HTTPError as error:  # 304
        status, tag = error.code, error.headers.get("ETag", "")
    return (time.perf_counter() - begun) * 1000, status, tag


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def summary(times: list[float]) -> str:
    return f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=BASE_NODES)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    start_django("topology", DJANGO_ALLOW_ASYNC_UNSAFE="true")
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from playwright.sync_api import sync_playwright

    from dashboard.testing.browser import CHROMIUM, CHROMIUM_ARGS

    print(f"load average before: {load_average()}")
    client = signed_in_client("demo")
    password = seeded_password("demo")
    ports = fill_mirror(client.session["keystone"]["project_id"], args.nodes / BASE_NODES)

    url = "/network/topology/graph.json"
    builds, build_queries = [], 0
    for _ in range(args.requests):
        # Each mirror version's graph is built once, then kept under its ETag: drop it to time the
        # build itself.
        cache.delete(f"networks:topology:{client.get(url)['ETag'].strip(chr(34))}")
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            client.get(url)
            builds.append((time.perf_counter() - begun) * 1000)
        build_queries = len(captured)
    times, revalidations, queries, size = [], [], 0, 0
    for _ in range(args.requests):
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begun) * 1000)
        queries, size = len(captured), len(response.content)
        begun = time.perf_counter()
        unchanged = client.get(url, headers={"If-None-Match": response["ETag"]})
        revalidations.append((time.perf_counter() - begun) * 1000)
        assert unchanged.status_code == 304
    graph = response.json()
    print(
        f"project: {ports} ports, {len(graph['nodes'])} nodes, {len(graph['edges'])} edges, "
        f"graph.json {size / 1024:.0f} KiB"
    )
    print(f"graph.json built, in process: {summary(builds)}, {build_queries} queries (all)")
    print(f"graph.json kept for its version, in process: {summary(times)}, {queries} queries")
    print(f"graph.json unchanged (304): {summary(revalidations)}")

    gunicorn, base = start_gunicorn()
    try:
        cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        served, served_304 = [], []
        for _ in range(args.requests):
            elapsed, status, etag = timed_get(base + url, cookies)
            served.append(elapsed)
            elapsed, status, _etag = timed_get(base + url, cookies, etag)
            served_304.append(elapsed)
            assert status == 304, status
        print(
            f"graph.json from gunicorn (1 sync worker, DEBUG off): {summary(served)}; "
            f"304 {summary(served_304)}"
        )

        paints, nodes_drawn, drawn = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"{base}/auth/login/")
            page.get_by_label("User name").fill("demo")
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/")
            for _ in range(args.loads):
                page.goto(f"{base}/network/topology/", wait_until="commit")
                page.wait_for_selector('#topology[data-version="1"]', timeout=120_000)
                drawn.append(
                    page.evaluate(
                        "new Promise(done => requestAnimationFrame(() =>"
                        " requestAnimationFrame(() => done(performance.now()))))"
                    )
                )
                nodes_drawn.append(
                    page.evaluate(
                        "performance.getEntriesByName('topology:nodes-drawn')[0]?.startTime ?? -1"
                    )
                )
                paints.append(
                    page.evaluate(
                        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
                    )
                )
                shown = page.get_attribute("#topology", "data-nodes")
                assert shown == str(len(graph["nodes"])), shown
            browser.close()
    finally:
        gunicorn.terminate()
        gunicorn.wait()
    print(
        f"Chromium first contentful paint: p50 {statistics.median(paints):.0f} ms, "
        f"max {max(paints):.0f} ms; every node drawn: p50 {statistics.median(nodes_drawn):.0f} ms, "
        f"max {max(nodes_drawn):.0f} ms; every node and line: p50 {statistics.median(drawn):.0f} "
        f"ms, max {max(drawn):.0f} ms ({args.loads} loads)"
    )
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
