"""Cold start: the whole cloud into an empty mirror, as a deployment fills it.

    .venv/bin/python bench/cold_start.py [--concurrency 2]

As beat starts it sends every scheduled task once (`dashboard.celery.run_schedule_once_at_start`);
one Celery worker, prefork with `--concurrency` processes as bin/run and docker-compose run it,
takes them from Redis (database 14, flushed first) and fills a new PostgreSQL database (made
and dropped here). It prints the wall time from the send to the last of those tasks done, each
task's own time from the worker's log, the peak resident memory of the worker's processes, and
the mirror's rows beside the cloud's own counts.

It reads whatever the local cloud holds: `bench/scale.py --keep` builds the cloud issue 17 names
(100 projects, 1,000 servers, 10,000 ports, 200 routers, 1,000 floating IPs) and leaves it.
`scale.py` times each pass alone, one after the other, and counts its calls; this is the wall
time a new deployment waits for its mirror.
"""

import argparse
import re
import secrets
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from common import Processes, celery_worker, postgres_database, start_django

TIMEOUT = 600.0
# Celery's log line for a task that ended: "Task <name>[<id>] succeeded in 1.23s: None", or
# "... raised unexpected: ..." for one that failed.
ENDED = re.compile(
    r"Task (?P<name>[\w.]+)\[(?P<id>[\w-]+)\] (?P<how>succeeded in (?P<s>[\d.]+)s|raised)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    with postgres_database(f"bench_cold_{secrets.token_hex(3)}") as database_url:
        run(args, database_url=database_url)


def run(args: argparse.Namespace, *, database_url: str) -> None:
    start_django("cold", database_url=database_url, OPENSTACK_READ_TIMEOUT="120")
    import redis
    from django.conf import settings

    from dashboard.celery import app, run_schedule_once_at_start

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average before: {' '.join(load)}")
    processes = Processes(Path(tempfile.mkdtemp(prefix="bench-cold-")))
    processes.start("worker", celery_worker("--concurrency", str(args.concurrency)))
    try:
        processes.wait_for("worker", " ready.")
        processes.sample_memory()
        began = time.monotonic()
        sent = {result.id for result in run_schedule_once_at_start(SimpleNamespace(app=app))}
        ended = wait_ended(processes, sent, began)
        wall = time.monotonic() - began
        load = Path("/proc/loadavg").read_text().split()[:3]
    finally:
        processes.stop()
    print(f"{len(sent)} tasks sent as beat starts; the worker at --concurrency {args.concurrency}")
    for name, how, seconds in sorted(ended, key=lambda task: -task[2]):
        print(f"  {name:<58} {how:<10} {seconds:7.2f} s")
    print(
        f"all done after {wall:.1f} s (wall time from the send), load average then {' '.join(load)}"
    )
    for key, rss in sorted(processes.peak_rss.items()):
        print(f"  peak resident {key:<16} {rss / 2**20:6.0f} MiB")
    print_counts()


def wait_ended(processes: Processes, sent: set[str], began: float) -> list[tuple[str, str, float]]:
    """Wait until the worker's log says every task of `sent` ended; (name, how, seconds) each."""
    while True:
        ended = {
            match["id"]: (
                match["name"],
                "succeeded" if match["s"] else "FAILED",
                float(match["s"] or 0),
            )
            for match in ENDED.finditer(processes.log("worker"))
            if match["id"] in sent
        }
        if len(ended) == len(sent):
            return list(ended.values())
        if processes.started["worker"].poll() is not None or time.monotonic() - began > TIMEOUT:
            raise SystemExit(
                f"{len(sent) - len(ended)} tasks not done:\n{processes.log('worker')[-4000:]}"
            )
        time.sleep(0.1)


def print_counts() -> None:
    """The mirror's rows and the cloud's own counts (ids only), side by side."""
    from dashboard.cloud.connection import service_connection
    from instances.models import Server
    from networks.models import FloatingIP, Network, Port, Router, SecurityGroupRule, Subnet
    from tenants.models import Project

    cloud: Any = service_connection()
    pairs = [
        ("projects", Project, lambda: cloud.identity.projects()),
        ("networks", Network, lambda: cloud.network.networks(fields="id")),
        ("subnets", Subnet, lambda: cloud.network.subnets(fields="id")),
        ("ports", Port, lambda: cloud.network.ports(fields="id")),
        ("routers", Router, lambda: cloud.network.routers(fields="id")),
        ("floating IPs", FloatingIP, lambda: cloud.network.ips(fields="id")),
        (
            "security group rules",
            SecurityGroupRule,
            lambda: cloud.network.security_group_rules(fields="id"),
        ),
        ("servers", Server, lambda: cloud.compute.servers(details=False, all_projects=True)),
    ]
    print("rows in the mirror / in the cloud:")
    for label, model, listing in pairs:
        print(f"  {label:<22} {model.objects.count():7d} / {sum(1 for _ in listing()):7d}")


if __name__ == "__main__":
    main()
