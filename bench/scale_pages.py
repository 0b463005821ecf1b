"""Every page issue 17 names, at 100 and at 1,000 servers across 100 projects.

Fills a fresh mirror (a new SQLite database, or with `--postgres` a new PostgreSQL database on
127.0.0.1:5432, dropped afterwards) with 100 projects shaped alike, the signed-in `demo` project
one of them. Per project and per step: a server with one NIC and a floating IP on it, nine more
ports, two Activity entries, a key pair of the project's user; every fifth step a router (its
interface port and gateway) and a security group with two rules; once per project two networks
with a subnet each, the default security group with four rules and quotas.py's 18 quotas. Ten
steps per project are the issue's cloud (1,000 servers, 10,000 ports, 1,000 floating IPs, 200
routers); the small cloud has one step per project but the signed-in one, which has its ten in
both: its pages show the same rows, and only the cloud around them grows tenfold (109 servers,
1,090 ports, 109 floating IPs, 101 routers in the small one).

At each size it times every list page (instances, networks, subnets, ports, routers, floating IPs,
security groups, key pairs, Activity; the admin quota table as `admin`, also with every project's
mirror version moved before each request, so that the page it keeps under the version is read anew:
"admin quotas, moving"), the overview and the topology JSON, served by gunicorn with one sync worker
and DEBUG off over loopback HTTP (p50/p95 of `--requests` GETs: gunicorn's own time for each, from
its access log, and the median round trip over loopback beside it), and counts each page's SQL
queries through Django's test client. The two sizes take turns over `--rounds` rounds (the growth
written, timed, removed again), so a change in the machine's load meets both alike. Then it prints
the web process's peak resident memory (gunicorn's worker, after serving both sizes) and the
large/small ratio of p50.
Signs in for real as `demo` and `admin` on the local cloud (`python3 -m devcloud up`); the
pages make no cloud call.

    .venv/bin/python bench/scale_pages.py [--requests 50] [--rounds 5] [--projects 100] [--postgres]
"""

import argparse
import statistics
import subprocess
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
from common import percentile, postgres_database, signed_in_client, start_django
from pages import external_network, network_with_subnet
from quotas import COMPUTE, NETWORK
from topology import AccessLog, load_average, start_gunicorn, timed_get

SMALL_STEPS, LARGE_STEPS = 1, 10
PORTS_PER_STEP = 10  # the server's NIC and nine more
ROUTER_EVERY = 5  # steps
OPERATIONS_PER_STEP = 2
WARM_UP = 5  # requests per page before the timed ones
ACCEPT = "text/html,application/json"  # the pages and the topology JSON alike
type Rows = dict[type, list[Any]]  # rows to write, by model
# (label, URL name, who asks)
PAGES = [
    ("overview", "tenants:overview", "demo"),
    ("instances", "instances:server_list", "demo"),
    ("networks", "networks:network_list", "demo"),
    ("subnets", "networks:subnet_list", "demo"),
    ("ports", "networks:port_list", "demo"),
    ("routers", "networks:router_list", "demo"),
    ("floating IPs", "networks:floating_ip_list", "demo"),
    ("security groups", "networks:security_group_list", "demo"),
    ("key pairs", "instances:keypair_list", "demo"),
    ("Activity", "operations:activity", "demo"),
    ("topology JSON", "networks:topology_data", "demo"),
    ("admin quotas", "tenants:admin_quotas", "admin"),
    ("admin quotas, moving", "tenants:admin_quotas", "admin"),
]
# Pages timed with the mirror changing before each request: every project's version moves, so
# what the page keeps under it (the admin quota table's page) is read anew, as on a busy cloud.
MIRROR_MOVING = {"admin quotas, moving"}


def mirror_moved() -> None:
    """Move every project's mirror version, as a write the reconcile makes does (the bench
    writes its rows in bulk, past the counters)."""
    from dashboard.mirror.live import mirror_changed
    from dashboard.mirror.scopes import ALL_PROJECTS

    mirror_changed(scopes={ALL_PROJECTS})


class Project:
    """One project's fixed rows' ids, so later steps can refer to them."""

    def __init__(self, project_id: str, user_id: str, index: int, external_id: str) -> None:
        self.id = project_id
        self.user_id = user_id
        self.index = index
        self.external_id = external_id
        self.subnets: list[tuple[str, str, str]] = []  # (id, network id, /16 prefix)


def fixed_rows(project: Project, now: Any) -> Rows:
    """What a project has once: its mirror row, two networks with a subnet each, the default
    security group and its rules, its quotas."""
    from networks.models import Network, Subnet
    from tenants.models import Project as ProjectRow
    from tenants.models import Quota

    common: dict[str, Any] = {"project_id": project.id, "synced_at": now, "revision_number": 1}
    rows: Rows = {
        ProjectRow: [
            ProjectRow(
                id=project.id,
                project_id=project.id,
                name=f"project-{project.index}",
                synced_at=now,
            )
        ]
    }
    for n in range(2):
        prefix = f"10.{n * 100 + project.index % 100}"
        network, subnet = network_with_subnet(n, f"{prefix}.0.0/16", f"{prefix}.0.1", common)
        project.subnets.append((subnet.id, network.id, prefix))
        rows.setdefault(Network, []).append(network)
        rows.setdefault(Subnet, []).append(subnet)
    group_rows("default", 4, common, rows)
    rows[Quota] = [
        Quota(
            id=f"{project.id}:{service}:{resource}",
            project_id=project.id,
            service=service,
            resource=resource,
            limit=limit,
            synced_at=now,
        )
        for service, limits in (("compute", COMPUTE), ("network", NETWORK))
        for resource, limit in limits.items()
    ]
    return rows


def group_rows(name: str, rules: int, common: dict[str, Any], rows: Rows) -> None:
    """A security group with `rules` rules, added to `rows`."""
    from networks.models import SecurityGroup, SecurityGroupRule

    group = SecurityGroup(id=str(uuid.uuid4()), name=name, **common)
    rows.setdefault(SecurityGroup, []).append(group)
    rows.setdefault(SecurityGroupRule, []).extend(
        SecurityGroupRule(
            id=str(uuid.uuid4()),
            security_group_id=group.id,
            direction="ingress" if r % 2 else "egress",
            ethertype="IPv4",
            protocol="tcp" if r % 2 else "",
            port_range_min=22 + r if r % 2 else None,
            port_range_max=22 + r if r % 2 else None,
            **common,
        )
        for r in range(rules)
    )


def step_rows(project: Project, step: int, now: Any) -> Rows:
    """One step of a project: a server with its NIC and floating IP, nine more ports, Activity
    entries, a key pair; every ROUTER_EVERY steps a router and a security group."""
    from dashboard.operations.models import Operation
    from instances.models import KeyPair, Server
    from networks.models import FloatingIP, Port, Router

    common: dict[str, Any] = {"project_id": project.id, "synced_at": now, "revision_number": 1}
    rows: Rows = {}
    subnet_id, network_id, prefix = project.subnets[step % 2]

    def port(number: int, **fields: Any) -> Any:
        address = f"{prefix}.{step}.{number + 10}"
        made = Port(
            id=str(uuid.uuid4()),
            name=f"port-{step}-{number}",
            network_id=network_id,
            status="ACTIVE",
            mac_address=f"fa:16:3e:{project.index % 256:02x}:{step:02x}:{number:02x}",
            fixed_ips=[{"subnet_id": subnet_id, "ip_address": address}],
            **fields,
            **common,
        )
        rows.setdefault(Port, []).append(made)
        return made

    server = Server(
        id=str(uuid.uuid4()),
        name=f"vm-{step}",
        status="ACTIVE",
        vm_state="active",
        power_state=1,
        user_id=project.user_id,
        flavor_name="m1.tiny",
        vcpus=1,
        ram=512,
        disk=1,
        created_at=now - timedelta(minutes=step),
        project_id=project.id,
        synced_at=now,
    )
    nic = port(0, device_owner="compute:nova", device_id=server.id)
    floating = f"203.{project.index // 250}.{project.index % 250}.{step + 2}"
    server.addresses = {
        f"net-{step % 2}": [
            {"addr": nic.fixed_ips[0]["ip_address"], "version": 4, "OS-EXT-IPS:type": "fixed"},
            {"addr": floating, "version": 4, "OS-EXT-IPS:type": "floating"},
        ]
    }
    rows[Server] = [server]
    rows[FloatingIP] = [
        FloatingIP(
            id=str(uuid.uuid4()),
            floating_ip_address=floating,
            floating_network_id=project.external_id,
            port_id=nic.id,
            fixed_ip_address=nic.fixed_ips[0]["ip_address"],
            status="ACTIVE",
            **common,
        )
    ]
    for number in range(1, PORTS_PER_STEP - (step % ROUTER_EVERY == 0)):
        port(number)
    if step % ROUTER_EVERY == 0:
        router = Router(
            id=str(uuid.uuid4()),
            name=f"router-{step}",
            status="ACTIVE",
            external_network_id=project.external_id,
            enable_snat=True,
            external_gateway_info={"network_id": project.external_id, "enable_snat": True},
            **common,
        )
        rows[Router] = [router]
        port(PORTS_PER_STEP - 1, device_owner="network:router_interface", device_id=router.id)
        group_rows(f"group-{step}", 2, common, rows)
    rows[KeyPair] = [
        KeyPair(
            id=f"{project.user_id}:key-{step}",
            name=f"key-{step}",
            user_id=project.user_id,
            fingerprint="00:11:22:33",
            synced_at=now,
        )
    ]
    rows[Operation] = [
        Operation(
            action="networks.network_create",
            description=f"Create network “net-{step}-{o}”",
            target_type="network",
            project_id=project.id,
            user_id=project.user_id,
            user_name="someone",
            status="succeeded",
        )
        for o in range(OPERATIONS_PER_STEP)
    ]
    return rows


def merged(batches: list[Rows]) -> Rows:
    rows: Rows = {}
    for batch in batches:
        for model, each in batch.items():
            rows.setdefault(model, []).extend(each)
    return rows


def write(rows: Rows) -> None:
    for model, each in rows.items():
        model._default_manager.bulk_create(each, batch_size=1000)


def remove(rows: Rows) -> None:
    for model, each in rows.items():
        model._default_manager.filter(pk__in=[row.pk for row in each]).delete()


def time_page(
    base: str, path: str, cookies: str, requests: int, log: AccessLog, *, moving: bool = False
) -> tuple[list[float], list[float]]:
    """The page's server times (gunicorn's) and round trips over loopback, `requests` each; the
    mirror's versions moved before each when `moving`."""
    served, round_trips = [], []
    for _ in range(requests):
        if moving:
            mirror_moved()
        elapsed, status, _etag = timed_get(f"{base}{path}", cookies, accept=ACCEPT)
        assert status == 200, f"{path} answered {status}"
        round_trips.append(elapsed)
        served.append(log.next_ms())
    return served, round_trips


def cloud_size() -> str:
    from instances.models import Server
    from networks.models import FloatingIP, Port, Router
    from tenants.models import Project as ProjectRow

    counts = (
        f"{model.objects.count():,} {name}"
        for model, name in (
            (Server, "servers"),
            (Port, "ports"),
            (FloatingIP, "floating IPs"),
            (Router, "routers"),
            (ProjectRow, "projects"),
        )
    )
    return ", ".join(counts)


class Sample:
    """One cloud size's figures, gathered over the rounds."""

    def __init__(self) -> None:
        self.label = ""
        self.times: dict[str, list[float]] = {name: [] for name, _, _ in PAGES}
        self.round_trips: dict[str, list[float]] = {name: [] for name, _, _ in PAGES}
        self.queries: dict[str, int] = {}

    def p50(self, page: str) -> float:
        return statistics.median(self.times[page])

    def report(self) -> None:
        print(f"\n{self.label}")
        print(f"{'page':<18} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'loopback p50':>13}")
        for name, times in self.times.items():
            p95 = percentile(times, 0.95)
            loopback = statistics.median(self.round_trips[name])
            print(
                f"{name:<18} {self.p50(name):8.1f} {p95:8.1f} {self.queries[name]:8d} "
                f"{loopback:13.1f}"
            )


def gather(
    sample: Sample, clients: dict[str, Any], base: str, requests: int, log: AccessLog
) -> None:
    """Time every page `requests` times (after WARM_UP untimed) and count its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    sample.label = cloud_size()
    for name, url_name, who in PAGES:
        path = reverse(url_name)
        client = clients[who]
        client.get(path)  # what a page keeps (the topology's graph per mirror version) is kept
        if name in MIRROR_MOVING:
            mirror_moved()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        sample.queries[name] = len(captured)
        cookies = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())
        moving = name in MIRROR_MOVING
        time_page(base, path, cookies, WARM_UP, log, moving=moving)
        served, round_trips = time_page(base, path, cookies, requests, log, moving=moving)
        sample.times[name] += served
        sample.round_trips[name] += round_trips


def peak_resident_mib(gunicorn: subprocess.Popen[bytes]) -> float:
    """The peak resident memory of gunicorn's worker (Linux's VmHWM), in MiB."""
    [worker] = psutil.Process(gunicorn.pid).children()
    status = Path(f"/proc/{worker.pid}/status").read_text()
    [kib] = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="per page and size, in all")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    if args.postgres:
        with postgres_database(f"bench_pages_{uuid.uuid4().hex[:8]}") as database_url:
            run(args, database_url=database_url)
    else:
        run(args, database_url="")


def run(args: argparse.Namespace, *, database_url: str) -> None:
    start_django("scale-pages", database_url=database_url)
    from django.utils import timezone

    clients = {"demo": signed_in_client("demo"), "admin": signed_in_client("admin")}
    session = clients["demo"].session["keystone"]
    now = timezone.now()
    external_id = external_network()
    projects = [Project(session["project_id"], session["user_id"], 0, external_id)]
    projects += [
        Project(uuid.uuid4().hex, uuid.uuid4().hex, n, external_id) for n in range(1, args.projects)
    ]
    write(merged([fixed_rows(project, now) for project in projects]))
    # The signed-in project is the same size in both clouds: only the cloud around it grows.
    write(merged([step_rows(projects[0], step, now) for step in range(LARGE_STEPS)]))
    write(merged([step_rows(project, 0, now) for project in projects[1:]]))
    growth = merged(
        [
            step_rows(project, step, now)
            for step in range(SMALL_STEPS, LARGE_STEPS)
            for project in projects[1:]
        ]
    )
    print(f"load average before: {load_average()}")
    small, large = Sample(), Sample()
    each = max(args.requests // args.rounds, 1)
    access_log = Path(tempfile.mkdtemp(prefix="bench-scale-pages-")) / "access.log"
    gunicorn, base = start_gunicorn(access_log=access_log)
    log = AccessLog(access_log)
    log.skip()  # gunicorn's start-up probe
    try:
        # The sizes take turns, so a change in the machine's load meets both alike.
        for _ in range(args.rounds):
            gather(small, clients, base, each, log)
            write(growth)
            mirror_moved()
            gather(large, clients, base, each, log)
            remove(growth)
            mirror_moved()
        peak = peak_resident_mib(gunicorn)
    finally:
        gunicorn.terminate()
        gunicorn.wait()
    print(f"load average after: {load_average()}")
    print(f"web process (gunicorn's one worker) peak resident memory: {peak:.0f} MiB")
    small.report()
    large.report()
    print(f"\n{'page':<18} {'large/small p50':>16} {'queries':>10}")
    for name in small.times:
        ratio = large.p50(name) / small.p50(name)
        print(f"{name:<18} {ratio:16.2f} {small.queries[name]:>4} → {large.queries[name]:<4}")


if __name__ == "__main__":
    main()
