"""What the benchmarks share: Django on a fresh SQLite or PostgreSQL database, a real sign-in,
the timing of GET requests through Django's test client (the dashboard's own server time), and
the dashboard's own processes (gunicorn, Celery workers, listeners) started apart, with their
logs and peak memory."""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_django(
    name: str, *, database_url: str = "", redis_url: str = "", **environment: str
) -> None:
    """Set Django up on `database_url`, by default a new SQLite database, migrated, and on
    `redis_url`, by default Redis database 14."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        DATABASE_URL=database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
        REDIS_URL=redis_url or "redis://127.0.0.1:6379/14",
        DJANGO_LOG_LEVEL="WARNING",
        # The test client's host and the served one; setup_test_environment() is not used: its
        # template instrumentation (a context copy and a signal per template) would be timed too.
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        # The test client speaks plain HTTP: no HTTPS redirect.
        DJANGO_HTTPS="false",
        **environment,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A new PostgreSQL database on 127.0.0.1:5432 for the run, dropped afterwards; its URL."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seeded_password(user: str) -> str:
    """The password of a user the local cloud seeds (demo, admin)."""
    devcloud_home = Path(os.environ.get("DEVCLOUD_HOME", ROOT / ".devcloud"))
    password: str = json.loads((devcloud_home / "credentials.json").read_text())[user]
    return password


def signed_in_client(user: str) -> Any:
    """A test client signed in, for real, as a user the local cloud seeds (demo, admin)."""
    from django.test import Client

    password = seeded_password(user)
    client = Client()
    login = {"username": user, "password": password, "domain": "Default"}
    response = client.post("/auth/login/", login)
    assert response.status_code == 302, f"sign-in as {user} failed: is the local cloud up?"
    return client


def print_header(first_column: str, width: int) -> None:
    print(f"{first_column:<{width}} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")


def start_listener() -> Any:
    """A notification listener consuming in a thread of this process, on a queue of its own
    (so no reconcile is called: the mirror follows the cloud as in production)."""
    import secrets
    import threading

    from django.conf import settings

    from dashboard.mirror.listener import NotificationListener

    listener = NotificationListener(
        url=settings.OPENSTACK_NOTIFICATIONS_URL,
        queue=f"dashboard-mirror-bench-{secrets.token_hex(4)}",
        exclusive=True,
    )
    threading.Thread(target=listener.run, daemon=True).start()
    if not listener.ready.wait(10):
        raise SystemExit("the listener did not start consuming within 10 s")
    return listener


def time_get(
    client: Any,
    label: str,
    url: str,
    *,
    requests: int,
    width: int,
    htmx: bool = False,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> None:
    """GET `url` `requests` times after a warm-up; print p50, p95 and the SQL query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {**(headers or {}), **({"HX-Request": "true"} if htmx else {})}
    client.get(url, headers=headers)
    times, queries = [], 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == status, f"{url} answered {response.status_code}"
        queries = len(captured)
    print(
        f"{label:<{width}} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
        f"{queries:8d}"
    )


def celery_worker(*options: str, pool: str = "prefork", log_level: str = "INFO") -> list[str]:
    """The command line of a Celery worker of the dashboard's app (no gossip or mingle: the
    bench's workers need not know each other), with `options` (concurrency, hostname)."""
    return [
        *(sys.executable, "-m", "celery", "-A", "dashboard", "worker", "--pool", pool),
        *("--loglevel", log_level, "--without-gossip", "--without-mingle", *options),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Processes:
    """The dashboard's processes this run starts, their logs and their peak resident memory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: dict[str, subprocess.Popen[bytes]] = {}
        self.peak_rss: Counter[str] = Counter()
        self.peak_uss: Counter[str] = Counter()
        self._sampling = threading.Event()

    def start(self, name: str, argv: list[str], **environment: str) -> None:
        with (self.directory / f"{name}.log").open("wb") as log:
            self.started[name] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**os.environ, "DJANGO_LOG_LEVEL": "INFO", **environment},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def wait_for(self, name: str, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log(name):
            if self.started[name].poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start:\n{self.log(name)[-3000:]}")
            time.sleep(0.2)

    def events(self, event: str) -> list[dict[str, Any]]:
        """Structured log events named `event`, from every process's log."""
        found = []
        for name in self.started:
            for line in self.log(name).splitlines():
                if f'"{event}"' not in line:
                    continue
                try:
                    record = json.loads(line[line.index("{") :])
                except ValueError:
                    continue
                if record.get("event") == event:
                    found.append(record)
        return found

    def deliveries(self) -> Counter[tuple[str, str]]:
        """Messages of the operation task each worker received, by (worker, task id)."""
        received: Counter[tuple[str, str]] = Counter()
        for name in self.started:
            for line in self.log(name).splitlines():
                if "run_operation_task[" in line and "] received" in line:
                    task_id = line.split("run_operation_task[", 1)[1].split("]", 1)[0]
                    received[name, task_id] += 1
        return received

    def _memory(self, process: subprocess.Popen[bytes]) -> dict[str, tuple[int, int]]:
        """Resident and unique bytes (what the process alone holds: pool children share their
        parent's pages until they write them) of a process and of each of its children
        (gunicorn's and Celery's pool processes), by role."""
        try:
            main = psutil.Process(process.pid)
            members = {"main": main}
            for index, child in enumerate(main.children(recursive=True)):
                members[f"child{index}"] = child
            return {
                role: (info.rss, info.uss)
                for role, info in ((role, p.memory_full_info()) for role, p in members.items())
            }
        except psutil.NoSuchProcess:
            return {}

    def sample_memory(self) -> None:
        """Keep the peak resident size of every process (each pool child apart) until stopped."""

        def sample() -> None:
            while not self._sampling.wait(0.5):
                for name, process in self.started.items():
                    for role, (rss, uss) in self._memory(process).items():
                        key = f"{name}:{role}"
                        self.peak_rss[key] = max(self.peak_rss[key], rss)
                        self.peak_uss[key] = max(self.peak_uss[key], uss)

        threading.Thread(target=sample, daemon=True).start()

    def stop(self) -> None:
        self._sampling.set()
        for process in self.started.values():
            process.terminate()
        for process in self.started.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
