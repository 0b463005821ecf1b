"""Faults: operations and the mirror through four real faults, one after the other.

Runs against the real local stack like `multi.py` (the local cloud with its notifications, the
PostgreSQL on 127.0.0.1:5432, where the script makes a database of its own and drops it), with a
private Redis on a free port (broker, token store and cache: the script restarts it). It starts
gunicorn, a Celery worker (prefork, 2 children) and a notification listener as separate
processes, then runs chains of operations (multi.py's mix, in new projects, through the API over
HTTP) through each fault in turn:

1. Keystone stopped for `--outage` seconds (60) while chains run (killed, then `devcloud up`).
2. Redis killed and started again, empty (it keeps nothing on disk), while chains run: the
   queued task messages and the stored tokens are lost with it.
3. Users' tokens no longer valid while their operations wait: the worker is paused (SIGSTOP),
   operations are started, the users are disabled and enabled again in Keystone (which revokes
   every token they held, as an expired token is refused: a token's real expiry cannot be
   brought forward), then the worker goes on (SIGCONT).
4. The listener's broker connection closed by RabbitMQ (`rabbitmqctl close_connection`) while
   chains run.

Then: every operation must end once (succeeded, or failed with a reason; those whose task
message was lost are ended by `operations_fail_stuck`, beat's own check, here with a threshold
of `--stuck-after` seconds instead of OPERATION_STUCK_AFTER's 30 minutes), none run twice
(attempts, retries and finished events from the rows and the workers' logs), and after
`--settle` seconds every mirror row of the projects equals the cloud's own listing.

    DEVCLOUD_HOME=... .venv/bin/python bench/faults.py [--outage 60] [--chains 2]

Run it from the repository's root, alone: it stops Keystone and breaks connections of the
shared local cloud.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
from common import Processes, celery_worker, free_port, postgres_database, start_django
from multi import Api, Mix, mirror_differences, new_accounts, remove_projects


class PrivateRedis:
    """A Redis of this run only, on `port`, keeping nothing on disk; `restart()` loses it all."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


class Run:
    """What the phases share: the processes, the users and every operation started."""

    def __init__(self, *, processes: Processes, base: str, external: str, cloud: Any) -> None:
        self.processes = processes
        self.base = base
        self.external = external
        self.cloud = cloud
        self.mix = Mix(duplicate_every=10**9)
        self.accounts: list[tuple[Any, Any, str]] = []
        self.chain_index = 0
        self.phases: dict[str, list[str]] = {}

    def chains(self, phase: str, count: int, during: Callable[[], None]) -> None:
        """`count` chains per account side by side, `during()` run meanwhile in this thread."""
        before = len(self.mix.started)
        threads = []
        for _project, user, password in self.accounts:
            for _ in range(count):
                api = Api(self.base, username=user.name, password=password)
                self.chain_index += 1
                thread = threading.Thread(
                    target=self.mix.chain,
                    args=(api, self.chain_index),
                    kwargs={"tear_down": self.chain_index % 2 == 0, "external": self.external},
                )
                thread.start()
                threads.append(thread)
        during()
        for thread in threads:
            thread.join()
        self.phases[phase] = self.mix.started[before:]

    def worker_group(self) -> int:
        return self.processes.started["worker"].pid


def keystone_stopped(outage: float) -> Callable[[], None]:
    def during() -> None:
        from dashboard.testing.devcloud import service_stopped

        time.sleep(3)
        with service_stopped("keystone") as stopped:
            time.sleep(outage)
        print(f"  keystone back after {stopped.restored_after:.1f} s")

    return during


def redis_restarted(redis: PrivateRedis) -> Callable[[], None]:
    def during() -> None:
        time.sleep(4)
        redis.restart()
        print("  redis killed and started again, empty")

    return during


def listener_cut(processes: Processes) -> Callable[[], None]:
    def during() -> None:
        time.sleep(3)
        pid = processes.started["listener"].pid
        ports = [
            c.laddr.port
            for c in psutil.Process(pid).net_connections(kind="tcp")
            if c.raddr and c.raddr.port == 5672
        ]
        # rabbitmqctl closes a connection by its Erlang pid: find those of the listener's ports.
        listing = subprocess.run(
            ["rabbitmqctl", "list_connections", "--no-table-headers", "pid", "name"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        names = {f"127.0.0.1:{port} -> 127.0.0.1:5672" for port in ports}
        pids = [
            line.split("\t", 1)[0]
            for line in listing.splitlines()
            if "\t" in line and line.split("\t", 1)[1].strip() in names
        ]
        for pid in pids:
            subprocess.run(
                ["rabbitmqctl", "close_connection", pid, "bench: the listener's connection cut"],
                check=True,
                capture_output=True,
                timeout=60,
            )
        print(f"  closed {len(pids)} of the listener's {len(ports)} broker connection(s)")

    return during


def tokens_revoked(run: Run, count: int) -> None:
    """Operations started while the worker is paused, their users' tokens revoked meanwhile."""
    from dashboard.operations.models import Operation

    group = run.worker_group()
    os.killpg(group, signal.SIGSTOP)
    started = []
    try:
        for _project, user, password in run.accounts:
            api = Api(run.base, username=user.name, password=password)
            for number in range(count):
                response = api.write("POST", "/api/networks/", {"name": f"token-{number}"})
                if response.status_code == 202:
                    started.append(response.json()["id"])
                else:
                    run.mix.refused.append(f"token phase: {response.status_code} {response.text}")
        for _project, user, _password in run.accounts:
            run.cloud.identity.update_user(user, is_enabled=False)
            run.cloud.identity.update_user(user, is_enabled=True)
        print(f"  {len(started)} operations waiting; their users' tokens revoked")
    finally:
        os.killpg(group, signal.SIGCONT)
    run.mix.started.extend(started)
    run.phases["token no longer valid"] = started
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not Operation.objects.filter(pk__in=started, status__in=Operation.UNFINISHED).exists():
            return
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=60.0)
    parser.add_argument("--chains", type=int, default=2, help="chains per project and phase")
    parser.add_argument("--projects", type=int, default=2)
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument("--stuck-after", type=float, default=120.0)
    args = parser.parse_args()

    tag = secrets.token_hex(3)
    directory = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    redis = PrivateRedis(directory)
    redis.start()
    try:
        with postgres_database(f"bench_faults_{tag}") as database_url:
            run_faults(args, tag=tag, database_url=database_url, directory=directory, redis=redis)
    finally:
        redis.stop()


def run_faults(
    args: argparse.Namespace,
    *,
    tag: str,
    database_url: str,
    directory: Path,
    redis: PrivateRedis,
) -> None:
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    start_django("faults", database_url=database_url, redis_url=redis.url)
    from django.db import close_old_connections
    from kombu import Connection

    from dashboard.cloud.connection import service_connection
    from dashboard.operations.models import Operation
    from dashboard.operations.services import operations_fail_stuck
    from networks.reconcile import reconcile_networks

    cloud = service_connection()
    external = next(iter(cloud.network.networks(is_router_external=True)))
    reconcile_networks(conn=cloud, ids=[external.id])
    processes = Processes(directory)
    queue = f"dashboard-mirror-faults-{tag}"
    port = free_port()
    run = Run(
        processes=processes, base=f"http://127.0.0.1:{port}", external=external.id, cloud=cloud
    )
    try:
        run.accounts += new_accounts(cloud, prefix=f"bench-faults-{tag}", count=args.projects)
        python = sys.executable
        gunicorn = str(Path(python).parent / "gunicorn")
        processes.start(
            "web",
            [gunicorn, "dashboard.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        )
        processes.start(
            "worker", celery_worker("--concurrency", "2", "--hostname", f"faults-{tag}@%h")
        )
        processes.start(
            "listener",
            [python, "manage.py", "listen_notifications"],
            OPENSTACK_NOTIFICATIONS_QUEUE=queue,
        )
        processes.wait_for("worker", " ready.")
        processes.wait_for("listener", "listener.consuming")
        processes.wait_for("web", "Booting worker")
        time.sleep(2)

        began = time.monotonic()
        print(f"1. keystone stopped for {args.outage:.0f} s")
        run.chains("keystone stopped", args.chains, keystone_stopped(args.outage))
        print("2. redis restarted mid-queue")
        run.chains("redis restarted", args.chains, redis_restarted(redis))
        print("3. tokens no longer valid while operations wait")
        tokens_revoked(run, count=2)
        print("4. the listener's broker connection cut")
        run.chains("listener cut", args.chains, listener_cut(processes))
        took = time.monotonic() - began

        # Operations whose task message went with Redis are never picked up: beat's check ends
        # them (here sooner than OPERATION_STUCK_AFTER's 30 minutes).
        close_old_connections()
        waited = time.monotonic()
        stuck_ended = 0
        while Operation.objects.filter(
            pk__in=run.mix.started, status__in=Operation.UNFINISHED
        ).exists():
            if time.monotonic() - waited > args.stuck_after:
                stuck_ended = operations_fail_stuck(older_than=timedelta(seconds=args.stuck_after))
                break
            time.sleep(1)
        time.sleep(args.settle)
        close_old_connections()

        operations = {str(o.pk): o for o in Operation.objects.filter(pk__in=run.mix.started)}
        finished = Counter(str(e["operation"]) for e in processes.events("operation.finished"))
        retried = Counter(str(e.get("operation")) for e in processes.events("operation.retrying"))
        print(
            f"load average before: {load_before}, "
            f"after: {Path('/proc/loadavg').read_text().split()[:3]}; the faults took {took:.0f} s"
        )
        for phase, ids in run.phases.items():
            ran = [operations[i] for i in ids if i in operations]
            statuses = Counter(o.status for o in ran)
            reasons = Counter((o.error_message or "")[:110] for o in ran if o.status == "failed")
            print(f"{phase}: {len(ran)} operations, {dict(statuses)}")
            for reason, count in reasons.most_common():
                print(f"  failed x{count}: {reason}")
        unfinished = [o for o in operations.values() if not o.is_finished]
        without_reason = [
            o for o in operations.values() if o.status == "failed" and not o.error_message
        ]
        # An operation ended by the stuck check has no worker's finished event.
        twice = [
            f"{o.action} {o.pk}: {o.attempts} attempts, {retried[o_id]} retries, "
            f"finished {finished[o_id]} times"
            for o_id, o in operations.items()
            if finished[o_id] > 1 or (finished[o_id] == 1 and o.attempts != 1 + retried[o_id])
        ]
        print(f"ended by the stuck check: {stuck_ended}")
        print(f"unfinished: {len(unfinished)}; failed without a reason: {len(without_reason)}")
        print(f"run other than once: {len(twice)}")
        for line in twice:
            print(f"  {line}")
        print(f"refused by the web (the chain stopped there): {len(run.mix.refused)}")
        for refusal in run.mix.refused:
            print(f"  {refusal[:200]}")
        compared, differences = mirror_differences(
            cloud=cloud, project_ids=[project.id for project, _, _ in run.accounts]
        )
        print(f"mirror rows compared with the cloud: {compared}; differences: {len(differences)}")
        for line in differences:
            print(f"  {line}")
    finally:
        processes.stop()
        print(f"logs: {directory}")
        from django.conf import settings

        with Connection(settings.OPENSTACK_NOTIFICATIONS_URL) as broker:
            broker.default_channel.queue_delete(queue)
        remove_projects(cloud=cloud, projects=[project for project, _, _ in run.accounts])


if __name__ == "__main__":
    main()
