"""A real Celery worker for tests, on a Redis database of the tests' own.

Tests never use `task_always_eager`: tasks travel through Redis to a worker thread, as in
production. Redis database 15 keeps test messages and tokens away from a running dashboard's.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from dashboard.celery import app

TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _test_redis(settings: Any) -> None:
    settings.REDIS_URL = TEST_REDIS_URL


@pytest.fixture(scope="session", autouse=True)
def _celery_test_broker() -> None:
    """Send every task of the test session to the tests' own, initially empty, Redis database."""
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    app.conf.broker_url = TEST_REDIS_URL


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A worker thread consuming the test broker; it sees the test database (transactional)."""
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
