"""Real Celery workers as subprocesses, for tests that `kill -9` one in the middle of a task.

The in-thread `celery_worker` (`dashboard.testing.celery`) cannot be killed without killing
pytest, so fault tests start `celery -A dashboard.testing.worker_app worker` processes instead.
Such a process must see the test's database: the SQLite test database is therefore a file (see
`django_db_modify_db_settings`), not the in-memory one a second process cannot open, and the
test uses `transactional_db` so that what it writes is committed. With PostgreSQL (`bin/test
--postgres`) the worker simply connects to the test database.

These workers use a Redis database of their own, 13, for messages and tokens (the in-thread
workers use 15, `bench/` uses 14). Nothing flushes 13: each test has a queue of its own there
and deletes only its own keys, so concurrent sessions never take or drop each other's messages.
"""

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection

from dashboard.celery import app
from dashboard.testing.waiting import wait_until

WORKER_REDIS_URL = "redis://127.0.0.1:6379/13"
BASE_DIR = Path(settings.BASE_DIR)
STOP_TIMEOUT = 10.0


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A file, not memory, for the SQLite test database, so a worker process can open it too."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


def shared_database_url() -> str:
    """The test database as a DATABASE_URL that another process can use."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if "mode=memory" in name or name == ":memory:":
            raise RuntimeError("A worker process cannot open an in-memory SQLite test database.")
        return f"sqlite:///{name}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        return (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    raise RuntimeError(f"No DATABASE_URL for the {db['ENGINE']} backend.")


@dataclass
class WorkerProcess:
    """One `celery worker` process, its log and the files it writes."""

    name: str
    process: "subprocess.Popen[bytes]"
    log: Path
    ready_file: Path
    paused_file: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(
                f"worker {self.name} exited ({self.process.returncode}):\n{self.output()[-4000:]}"
            )

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(
            lambda: True if self.ready_file.exists() else None,
            timeout=timeout,
            what=f"worker {self.name} becoming ready",
            alive=self.check_alive,
        )

    def wait_paused(self, timeout: float = 60) -> None:
        """Return once the worker blocks where its `pause` said."""
        wait_until(
            lambda: True if self.paused_file.exists() else None,
            timeout=timeout,
            what=f"worker {self.name} pausing",
            alive=self.check_alive,
        )

    def kill(self) -> None:
        """`kill -9`: no shutdown, no acknowledgement, nothing cleaned up. The worker leads a
        process group of its own: a prefork pool's child processes die with it."""
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if the worker is still busy."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class WorkerProcesses:
    """Starts worker processes on the test's own queue; `start` again after a kill = restart."""

    queue: str
    directory: Path
    database_url: str
    redis_url: str
    started: list[WorkerProcess] = field(default_factory=list)

    def start(self, *, pause: str | None = None, pool: str = "solo") -> WorkerProcess:
        """Start a worker; with `pause` ("after:module:Class.method"), it blocks there until
        killed (see `dashboard.testing.worker_app`). `pool="prefork"` runs tasks in a child
        process, as production does: time limits are enforced only there."""
        name = f"{self.queue}-{len(self.started) + 1}"
        log = self.directory / f"{name}.log"
        ready_file = self.directory / f"{name}.ready"
        paused_file = self.directory / f"{name}.paused"
        environment = {
            **os.environ,
            "PYTHONPATH": str(BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "dashboard.settings",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "TEST_WORKER_QUEUE": self.queue,
            "TEST_WORKER_READY_FILE": str(ready_file),
            "TEST_WORKER_PAUSED_FILE": str(paused_file),
        }
        if pause:
            environment["TEST_WORKER_PAUSE"] = pause
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "dashboard.testing.worker_app",
                    "worker",
                    f"--pool={pool}",
                    "--concurrency=1",
                    f"--queues={self.queue}",
                    f"--hostname={name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=BASE_DIR,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(name, process, log, ready_file, paused_file)
        self.started.append(worker)
        return worker

    def events(self, event: str, **fields: str) -> list[dict[str, Any]]:
        """The structured log events named `event` (with these fields) of every worker so far."""
        found = []
        for worker in self.started:
            for line in worker.output().splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if (
                    isinstance(record, dict)
                    and record.get("event") == event
                    and all(record.get(key) == value for key, value in fields.items())
                ):
                    found.append(record)
        return found

    def messages_left(self) -> int:
        """Messages of the queue still waiting or delivered but not acknowledged."""
        client = redis.Redis.from_url(self.redis_url)
        waiting = sum(
            int(client.llen(key))
            for key in client.scan_iter(f"{self.queue}*")
            if client.type(key) == b"list"
        )
        return waiting + int(client.hlen(f"{self.queue}:unacked"))

    def wait_until_acknowledged(self, timeout: float = 10) -> None:
        """Wait until no message of the queue is waiting or unacknowledged. A task acknowledges
        its message after it returns, a moment after its operation is recorded as finished."""
        wait_until(
            lambda: True if self.messages_left() == 0 else None,
            timeout=timeout,
            what="every message of the queue acknowledged",
            details=self.logs,
        )

    def logs(self) -> str:
        """Every worker's log tail and the queue's keys in Redis, for a failure's message."""
        client = redis.Redis.from_url(self.redis_url, decode_responses=True)
        keys = {key: client.type(key) for key in client.scan_iter(f"*{self.queue}*")}
        tails = "\n".join(f"--- {w.name} ---\n{w.output()[-6000:]}" for w in self.started)
        return f"{tails}\n--- redis keys ---\n{keys}"


@pytest.fixture
def worker_processes(
    transactional_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> Iterator[WorkerProcesses]:
    """Worker processes for this test; operations started in it go to their queue and Redis."""
    from dashboard.operations.tasks import run_operation_task

    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    settings.REDIS_URL = WORKER_REDIS_URL  # where operation_start keeps the user's token
    broker = app.connection_for_write(WORKER_REDIS_URL)
    send_on_commit = run_operation_task.apply_async_on_commit
    monkeypatch.setattr(
        run_operation_task,
        "apply_async_on_commit",
        lambda *args, **options: send_on_commit(
            *args,
            queue=queue,
            connection=broker,  # type: ignore[call-arg]  # passed on to apply_async
            **options,
        ),
    )
    workers = WorkerProcesses(
        queue=queue,
        directory=tmp_path,
        database_url=shared_database_url(),
        redis_url=WORKER_REDIS_URL,
    )
    try:
        yield workers
    finally:
        for worker in workers.started:
            worker.stop()
        broker.release()
        client = redis.Redis.from_url(WORKER_REDIS_URL)
        # The queue's messages and unacked keys, and kombu's binding of it (`_kombu.binding.` or,
        # in newer kombu, `_kombu.binding_permanent.`).
        leftovers = [*client.scan_iter(f"{queue}*"), *client.scan_iter(f"_kombu.binding*.{queue}")]
        if leftovers:
            client.delete(*leftovers)
