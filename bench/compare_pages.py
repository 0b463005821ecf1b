"""The pages of issue 17's cloud from this checkout's code and from an earlier commit's, side by
side on the same mirror, taking turns: what a change to the pages bought, on today's machine.

    .venv/bin/python bench/compare_pages.py --base 9ae932a [--rounds 6] [--requests 15]

Fills a new PostgreSQL mirror as `scale_pages.py` does at its large size (1,000 servers, 10,000
ports, 1,000 floating IPs, 200 routers across 100 projects, signed in as `demo` and `admin` on
the local cloud), checks `--base` out into a temporary git worktree, and serves each code with
its own gunicorn (one sync worker, DEBUG off). Each round asks every page `--requests` times of
each, the order of the two alternating; it prints p50/p95 ms of both (gunicorn's own time for
each request, from its access log) and the new/base ratio of p50. The base's schema must match
this checkout's (both run on the mirror migrated here).
"""

import argparse
import statistics
import subprocess
import tempfile
import uuid
from pathlib import Path

from common import ROOT, percentile, postgres_database, signed_in_client, start_django
from scale_pages import (
    ACCEPT,
    LARGE_STEPS,
    MIRROR_MOVING,
    PAGES,
    WARM_UP,
    Project,
    external_network,
    fixed_rows,
    merged,
    mirror_moved,
    step_rows,
    write,
)
from topology import AccessLog, load_average, start_gunicorn, timed_get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=15, help="per page, code and round")
    parser.add_argument("--projects", type=int, default=100)
    args = parser.parse_args()
    worktree = Path(tempfile.mkdtemp(prefix="bench-compare-")) / "base"
    git = ["git", "-C", str(ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", str(worktree), args.base], check=True)
    try:
        with postgres_database(f"bench_compare_{uuid.uuid4().hex[:8]}") as database_url:
            run(args, database_url=database_url, base=worktree)
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(worktree)], check=True)


def run(args: argparse.Namespace, *, database_url: str, base: Path) -> None:
    start_django("compare-pages", database_url=database_url)
    from django.urls import reverse
    from django.utils import timezone

    clients = {"demo": signed_in_client("demo"), "admin": signed_in_client("admin")}
    session = clients["demo"].session["keystone"]
    now, external_id = timezone.now(), external_network()
    projects = [Project(session["project_id"], session["user_id"], 0, external_id)]
    projects += [
        Project(uuid.uuid4().hex, uuid.uuid4().hex, n, external_id) for n in range(1, args.projects)
    ]
    write(merged([fixed_rows(project, now) for project in projects]))
    write(merged([step_rows(p, step, now) for p in projects for step in range(LARGE_STEPS)]))
    codes = {"base": base, "new": ROOT}
    logs_dir = Path(tempfile.mkdtemp(prefix="bench-compare-pages-"))
    servers = {
        name: start_gunicorn(code, access_log=logs_dir / f"{name}.log")
        for name, code in codes.items()
    }
    logs = {name: AccessLog(logs_dir / f"{name}.log") for name in codes}
    for log in logs.values():
        log.skip()  # gunicorn's start-up probe
    times: dict[tuple[str, str], list[float]] = {
        (page, name): [] for page, _, _ in PAGES for name in codes
    }
    print(f"load average before: {load_average()}")
    try:
        for round_ in range(args.rounds):
            order = list(codes) if round_ % 2 == 0 else list(reversed(codes))
            for page, url_name, who in PAGES:
                url = reverse(url_name)
                client = clients[who]
                cookies = "; ".join(f"{key}={m.value}" for key, m in client.cookies.items())
                for name in order:
                    address = servers[name][1] + url
                    for number in range(WARM_UP + args.requests):
                        if page in MIRROR_MOVING:
                            mirror_moved()
                        _elapsed, status, _etag = timed_get(address, cookies, accept=ACCEPT)
                        assert status == 200, f"{name} {url} answered {status}"
                        served = logs[name].next_ms()
                        if number >= WARM_UP:
                            times[page, name].append(served)
    finally:
        for process, _base in servers.values():
            process.terminate()
            process.wait()
    print(f"load average after: {load_average()}")
    columns = ("base p50", "base p95", "new p50", "new p95", "new/base")
    print(f"{'page':<18}" + "".join(f" {column:>9}" for column in columns))
    for page, _, _ in PAGES:
        base_times, new_times = times[page, "base"], times[page, "new"]
        base_p50, new_p50 = statistics.median(base_times), statistics.median(new_times)
        print(
            f"{page:<18} {base_p50:9.1f} {percentile(base_times, 0.95):9.1f} "
            f"{new_p50:9.1f} {percentile(new_times, 0.95):9.1f} {new_p50 / base_p50:9.2f}"
        )


if __name__ == "__main__":
    main()
