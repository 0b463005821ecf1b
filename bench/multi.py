"""Past one machine: the operation mix through two web processes, two Celery workers and two
notification listeners, all separate OS processes on one PostgreSQL database and one Redis.

Runs against the real local stack: the local cloud (`python3 -m devcloud up`, with its
notifications), Redis and the PostgreSQL on 127.0.0.1:5432 (trust auth; the script makes a
database of its own and drops it). It starts gunicorn (2 sync workers), 2 workers (prefork, 2
children each) and 2 listeners (each on a queue of its own, so both receive every event and
write the same rows). Chains of operations run side by side through the API over HTTP, in new
projects: a network and a subnet, a router with a gateway and an interface, a port, a security
group with a rule, a floating IP associated to the port, renames; half the chains then delete all
of it again through the dashboard. Every other operation's task message is sent a second time,
as a broker that redelivers would.

Then it checks and prints: every operation ended once (succeeded, or failed with a reason), its
attempts as the rows and the workers' logs count them; after `--settle` seconds, every mirror row
of the projects against the cloud's own listing, field by field; the resident memory of the web,
worker and listener processes.

    DEVCLOUD_HOME=... .venv/bin/python bench/multi.py [--projects 2] [--chains 4] [--settle 20]
"""

import argparse
import os
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests
from common import Processes, celery_worker, free_port, percentile, postgres_database, start_django

WORKERS, LISTENERS = 2, 2


class Api:
    """One signed-in user of the dashboard's API over HTTP (session and CSRF as a browser)."""

    def __init__(self, base: str, *, username: str, password: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.get(f"{base}/auth/login/", timeout=30)
        response = self.http.post(
            f"{base}/auth/login/",
            {
                "username": username,
                "password": password,
                "domain": "Default",
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/auth/login/"},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, f"sign-in failed: {response.status_code}"

    def write(self, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        response = self.http.request(
            method,
            f"{self.base}{path}",
            json=data or {},
            headers={"X-CSRFToken": self.http.cookies["csrftoken"], "Referer": self.base},
            timeout=60,
        )
        return response


class Mix:
    """Runs the chains and keeps what happened to every operation they started."""

    def __init__(self, *, duplicate_every: int) -> None:
        from dashboard.operations.tasks import run_operation_task

        self.task = run_operation_task
        self.duplicate_every = duplicate_every
        self.started: list[str] = []
        self.duplicated: set[str] = set()
        self.refused: list[str] = []
        self.lock = threading.Lock()

    def operation(
        self, api: Api, method: str, path: str, data: dict[str, Any] | None = None
    ) -> Any:
        """Start one operation, send its message again every so often, wait for its end."""
        from django.db import close_old_connections

        from dashboard.operations.models import Operation

        response = api.write(method, path, data)
        if response.status_code != 202:
            with self.lock:
                self.refused.append(
                    f"{method} {path} {data}: {response.status_code} {response.text}"
                )
            return None
        operation_id = response.json()["id"]
        with self.lock:
            self.started.append(operation_id)
            duplicate = len(self.started) % self.duplicate_every == 0
        operation = Operation.objects.get(pk=operation_id)
        if duplicate:
            self.task.apply_async((operation_id,), task_id=str(operation.task_id))
            with self.lock:
                self.duplicated.add(operation_id)
        deadline = time.monotonic() + 180
        while not operation.is_finished and time.monotonic() < deadline:
            time.sleep(0.05)
            operation.refresh_from_db()
        close_old_connections()
        return operation if operation.status == Operation.Status.SUCCEEDED else None

    def chain(self, api: Api, index: int, *, tear_down: bool, **made: str) -> None:
        """One chain of dependent operations (`made` starts with the external network's id);
        it stops at the first that does not succeed."""
        made["name"] = f"mix-{index}"
        made["cidr"] = f"10.{index // 250}.{index % 250}.0/24"
        for key, method, path, data in [*BUILD, *(TEAR_DOWN if tear_down else [])]:
            operation = self.operation(
                api,
                method,
                path.format(**made),
                {field: value.format(**made) for field, value in data.items()},
            )
            if operation is None:
                return
            if key:
                made[key] = operation.result_id or operation.target_id


# The chains' steps: (what the new object is called in later steps, method, path, data), each
# string filled in from what earlier steps made.
Step = tuple[str, str, str, dict[str, str]]
BUILD: list[Step] = [
    ("network", "POST", "/api/networks/", {"name": "{name}"}),
    (
        "subnet",
        "POST",
        "/api/subnets/",
        {"network_id": "{network}", "name": "{name}", "cidr": "{cidr}"},
    ),
    ("router", "POST", "/api/routers/", {"name": "{name}"}),
    ("", "PUT", "/api/routers/{router}/gateway/", {"external_network_id": "{external}"}),
    ("", "POST", "/api/routers/{router}/add-interface/", {"subnet_id": "{subnet}"}),
    ("port", "POST", "/api/ports/", {"network_id": "{network}", "name": "{name}"}),
    ("", "POST", "/api/ports/{port}/rename/", {"name": "{name}-port"}),
    ("group", "POST", "/api/security-groups/", {"name": "{name}"}),
    (
        "rule",
        "POST",
        "/api/security-group-rules/",
        {
            "security_group_id": "{group}",
            "protocol": "tcp",
            "port_range_min": "22",
            "port_range_max": "22",
            "remote_ip_prefix": "10.0.0.0/8",
        },
    ),
    ("", "PATCH", "/api/security-groups/{group}/", {"name": "{name}-sg"}),
    ("fip", "POST", "/api/floating-ips/", {"floating_network_id": "{external}"}),
    ("", "POST", "/api/floating-ips/{fip}/associate/", {"port_id": "{port}"}),
    ("", "PATCH", "/api/networks/{network}/", {"name": "{name}-net"}),
    ("", "PATCH", "/api/routers/{router}/", {"name": "{name}-router"}),
]
TEAR_DOWN: list[Step] = [
    ("", "POST", "/api/floating-ips/{fip}/disassociate/", {}),
    ("", "DELETE", "/api/floating-ips/{fip}/", {}),
    ("", "DELETE", "/api/security-group-rules/{rule}/", {}),
    ("", "DELETE", "/api/security-groups/{group}/", {}),
    ("", "DELETE", "/api/ports/{port}/", {}),
    ("", "POST", "/api/routers/{router}/remove-interface/", {"subnet_id": "{subnet}"}),
    ("", "DELETE", "/api/routers/{router}/gateway/", {}),
    ("", "DELETE", "/api/routers/{router}/", {}),
    ("", "DELETE", "/api/subnets/{subnet}/", {}),
    ("", "DELETE", "/api/networks/{network}/", {}),
]


def new_accounts(cloud: Any, *, prefix: str, count: int) -> list[tuple[Any, Any, str]]:
    """`count` projects, each with a user of the same name holding the member role in it:
    (project, user, password); `remove_projects` removes both."""
    member = cloud.identity.find_role("member", ignore_missing=False)
    accounts = []
    for number in range(count):
        password = secrets.token_urlsafe(16)
        name = f"{prefix}-{number}"
        project = cloud.identity.create_project(name=name, domain_id="default")
        user = cloud.identity.create_user(name=name, password=password, domain_id="default")
        cloud.identity.assign_project_role_to_user(project, user, member)
        accounts.append((project, user, password))
    return accounts


def remove_projects(*, cloud: Any, projects: list[Any]) -> None:
    """Remove the projects, their users (named alike) and everything they hold in Neutron."""
    network = cloud.network
    for project in projects:
        for ip in network.ips(project_id=project.id):
            network.delete_ip(ip)
        for router in network.routers(project_id=project.id):
            ports = network.ports(device_id=router.id, device_owner="network:router_interface")
            for port in ports:
                for fixed in port.fixed_ips:
                    network.remove_interface_from_router(router, subnet_id=fixed["subnet_id"])
            network.delete_router(router)
        for port in network.ports(project_id=project.id):
            network.delete_port(port)
        for each in network.networks(project_id=project.id):
            network.delete_network(each)
        for group in network.security_groups(project_id=project.id):
            network.delete_security_group(group)
        for user in cloud.identity.users(name=project.name):
            cloud.identity.delete_user(user)
        cloud.identity.delete_project(project)


def mirror_differences(*, cloud: Any, project_ids: list[str]) -> tuple[int, list[str]]:
    """Every mirror row of the projects against the cloud's listing of them, field by field:
    (rows compared, differences)."""
    from networks import reconcile
    from networks.models import (
        FloatingIP,
        Network,
        Port,
        Router,
        SecurityGroup,
        SecurityGroupRule,
        Subnet,
    )

    kinds = [
        (Network, cloud.network.networks, reconcile.network_fields_from_cloud),
        (Subnet, cloud.network.subnets, reconcile.subnet_fields_from_cloud),
        (Port, cloud.network.ports, reconcile.port_fields_from_cloud),
        (Router, cloud.network.routers, reconcile.router_fields_from_cloud),
        (FloatingIP, cloud.network.ips, reconcile.floating_ip_fields_from_cloud),
        (SecurityGroup, cloud.network.security_groups, reconcile.security_group_fields_from_cloud),
        (
            SecurityGroupRule,
            cloud.network.security_group_rules,
            reconcile.security_group_rule_fields_from_cloud,
        ),
    ]
    compared, differences = 0, []
    for project_id in project_ids:
        for model, listing, fields_from_cloud in kinds:
            noun = model.__name__
            observed = {obj.id: fields_from_cloud(obj) for obj in listing(project_id=project_id)}
            rows = {row.pk: row for row in model._default_manager.filter(project_id=project_id)}
            for missing in observed.keys() - rows.keys():
                differences.append(f"{noun} {missing}: in the cloud, not in the mirror")
            for extra in rows.keys() - observed.keys():
                differences.append(f"{noun} {extra}: in the mirror, gone from the cloud")
            for object_id in observed.keys() & rows.keys():
                compared += 1
                for field, value in observed[object_id].items():
                    mirrored = getattr(rows[object_id], field)
                    if mirrored != value:
                        differences.append(
                            f"{noun} {object_id} {field}: mirror {mirrored!r}, cloud {value!r}"
                        )
    return compared, differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2)
    parser.add_argument("--chains", type=int, default=4, help="chains per project, side by side")
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--duplicate-every", type=int, default=2)
    parser.add_argument(
        "--clean", action="store_true", help="only remove what an interrupted run left"
    )
    args = parser.parse_args()
    if args.clean:
        start_django("multi")
        from dashboard.cloud.connection import service_connection

        cloud = service_connection()
        left = [p for p in cloud.identity.projects() if p.name.startswith("bench-multi-")]
        remove_projects(cloud=cloud, projects=left)
        print(f"removed {len(left)} projects")
        return

    tag = secrets.token_hex(3)
    with postgres_database(f"bench_multi_{tag}") as database_url:
        run(args, tag=tag, database_url=database_url)


def run(args: argparse.Namespace, *, tag: str, database_url: str) -> None:
    """The run itself, on its new database: it removes from the cloud what it made there."""
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    start_django("multi", database_url=database_url)
    import redis
    from django.db import connections

    from dashboard.cloud.connection import service_connection
    from dashboard.operations.models import Operation
    from networks.reconcile import reconcile_networks

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    cloud = service_connection()
    external = next(iter(cloud.network.networks(is_router_external=True)))
    # Beat's sweep would have mirrored it long before anyone asks for a gateway.
    reconcile_networks(conn=cloud, ids=[external.id])
    accounts: list[tuple[Any, Any, str]] = []
    directory = Path(tempfile.mkdtemp(prefix="bench-multi-"))
    processes = Processes(directory)
    queues = [f"dashboard-mirror-multi-{tag}-{n}" for n in range(1, LISTENERS + 1)]
    port = free_port()
    try:
        accounts += new_accounts(cloud, prefix=f"bench-multi-{tag}", count=args.projects)
        python = sys.executable
        processes.start(
            "web",
            [
                str(Path(python).parent / "gunicorn"),
                "dashboard.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
        )
        for number in range(1, WORKERS + 1):
            processes.start(
                f"worker{number}",
                celery_worker("--concurrency", "2", "--hostname", f"multi{number}-{tag}@%h"),
            )
        for number, queue in enumerate(queues, start=1):
            processes.start(
                f"listener{number}",
                [python, "manage.py", "listen_notifications"],
                OPENSTACK_NOTIFICATIONS_QUEUE=queue,
            )
        for number in range(1, WORKERS + 1):
            processes.wait_for(f"worker{number}", " ready.")
        for number in range(1, LISTENERS + 1):
            processes.wait_for(f"listener{number}", "listener.consuming")
        processes.wait_for("web", "Booting worker")
        processes.sample_memory()
        base = f"http://127.0.0.1:{port}"
        time.sleep(2)

        mix = Mix(duplicate_every=args.duplicate_every)
        threads = []
        began = time.monotonic()
        for number, (_project, user, password) in enumerate(accounts):
            for chain in range(args.chains):
                api = Api(base, username=user.name, password=password)
                index = number * args.chains + chain
                thread = threading.Thread(
                    target=mix.chain,
                    args=(api, index),
                    kwargs={"tear_down": chain % 2 == 0, "external": external.id},
                )
                thread.start()
                threads.append(thread)
        for thread in threads:
            thread.join()
        took = time.monotonic() - began
        time.sleep(args.settle)
        connections.close_all()

        operations = list(Operation.objects.filter(pk__in=mix.started))
        delivered = processes.deliveries()
        finished = Counter(str(e["operation"]) for e in processes.events("operation.finished"))
        retried = Counter(str(e.get("operation")) for e in processes.events("operation.retrying"))
        unfinished = [o for o in operations if not o.is_finished]
        without_reason = [
            o for o in operations if o.status == Operation.Status.FAILED and not o.error_message
        ]
        run_twice = [
            f"{o.action} {o.pk}: {o.attempts} attempts, {retried[str(o.pk)]} retries, "
            f"finished {finished[str(o.pk)]} times"
            for o in operations
            if o.attempts != 1 + retried[str(o.pk)] or finished[str(o.pk)] != 1
        ]
        statuses = Counter(o.status for o in operations)
        durations = [
            (o.finished_at - o.created_at).total_seconds() * 1000
            for o in operations
            if o.finished_at
        ]
        compared, differences = mirror_differences(
            cloud=cloud, project_ids=[project.id for project, _, _ in accounts]
        )
        print(
            f"load average before: {load_before}, "
            f"after: {Path('/proc/loadavg').read_text().split()[:3]}"
        )
        print(
            f"operations: {len(operations)} in {took:.1f} s ({len(mix.duplicated)} sent twice), "
            f"{dict(statuses)}; refused by a form: {len(mix.refused)}"
        )
        print(
            f"task messages the workers received: {sum(delivered.values())} "
            f"(operations each worker saw: {dict(Counter(worker for worker, _ in delivered))})"
        )
        for refusal in mix.refused:
            print(f"  refused: {refusal[:300]}")
        for operation in operations:
            if operation.status == Operation.Status.FAILED:
                print(f"  failed: {operation.action}: {operation.error_message}")
        print(
            f"start to end per operation: p50 {percentile(durations, 0.5):.0f} ms, "
            f"p95 {percentile(durations, 0.95):.0f} ms"
        )
        print(f"unfinished: {len(unfinished)}; failed without a reason: {len(without_reason)}")
        print(f"run other than once (attempts, retries, finished events): {len(run_twice)}")
        for line in run_twice:
            print(f"  {line}")
        print(f"mirror rows compared with the cloud: {compared}; differences: {len(differences)}")
        for line in differences:
            print(f"  {line}")
        print("peak memory (MiB), resident / unique to the process:")
        for key, rss in sorted(processes.peak_rss.items()):
            print(f"  {key:<20} {rss / 2**20:7.1f} / {processes.peak_uss[key] / 2**20:7.1f}")
    finally:
        processes.stop()
        print(f"logs: {directory}")
        from django.conf import settings
        from kombu import Connection

        with Connection(settings.OPENSTACK_NOTIFICATIONS_URL) as broker:
            for queue in queues:
                broker.default_channel.queue_delete(queue)
        remove_projects(cloud=cloud, projects=[project for project, _, _ in accounts])


if __name__ == "__main__":
    main()
