"""What the page benchmarks share: Django on a fresh SQLite database, a real sign-in, and the
timing of GET requests through Django's test client (the dashboard's own server time)."""

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
