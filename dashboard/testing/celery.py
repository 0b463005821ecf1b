"""A real Celery worker for tests, on a queue of the test session's own.

Tests never use `task_always_eager`: tasks travel through Redis to a worker thread, as in
production. Redis database 15 keeps test messages and tokens away from a running dashboard's.

Several pytest sessions may run at once on one machine (colleagues, CI jobs), all on database 15.
Each session therefore sends its tasks to, and consumes only, a queue named after itself
(`tests-<random>`), keeps its unacknowledged messages under keys of that queue, and at its start
and end deletes only those keys: never the whole database, which would drop another session's
messages in flight. Everything else the tests keep in Redis is keyed per object (an operation's
token, a server's follow-up marker), so sharing the database is harmless.
"""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from dashboard.celery import app

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
# This session's queue: operations (`apply_async_on_commit`), retries and countdown follow-ups
# are sent to the app's default queue, which the session sets to this name.
TEST_QUEUE = f"tests-{uuid.uuid4().hex[:12]}"


def session_keys(client: redis.Redis, queue: str) -> list[bytes]:
    """The keys kombu keeps for `queue`: its message lists (one per priority), its unacked
    hash, index and mutex (named after it below), and the binding of its exchange (named after
    the queue too: `_kombu.binding.<queue>`, or `_kombu.binding_permanent.` in newer kombu)."""
    return [*client.scan_iter(f"{queue}*"), *client.scan_iter(f"_kombu.binding*.{queue}")]


def _delete_session_keys() -> None:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    if keys := session_keys(client, TEST_QUEUE):
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _test_redis(settings: Any) -> None:
    settings.REDIS_URL = TEST_REDIS_URL


@pytest.fixture(scope="session", autouse=True)
def _celery_test_broker() -> Iterator[None]:
    """Send every task of the test session to its own queue on the tests' Redis database."""
    app.conf.update(
        broker_url=TEST_REDIS_URL,
        task_default_queue=TEST_QUEUE,
        broker_transport_options={
            **(app.conf.broker_transport_options or {}),
            # Unacked messages are restored by whoever polls the unacked index: keep this
            # session's under keys of its own, so no other session restores (or deletes) them.
            "unacked_key": f"{TEST_QUEUE}:unacked",
            "unacked_index_key": f"{TEST_QUEUE}:unacked_index",
            "unacked_mutex_key": f"{TEST_QUEUE}:unacked_mutex",
        },
        # No remote control: its broadcast queues and bindings would be shared between sessions
        # and outlive them; nothing in the tests sends control commands.
        worker_enable_remote_control=False,
    )
    # Whatever the app already derived from the old default queue is derived again.
    for cached in ("queues", "default_queue", "send_task_message", "router"):
        app.amqp.__dict__.pop(cached, None)
    _delete_session_keys()
    try:
        yield
    finally:
        _delete_session_keys()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A worker thread consuming this session's queue; it sees the test database
    (transactional)."""
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[TEST_QUEUE]
    ) as worker:
        yield worker
