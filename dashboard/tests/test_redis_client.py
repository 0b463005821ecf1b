"""Redis from the settings: a password in REDIS_URL, and Sentinel for the token store, the cache
and Celery's broker. The real tests start their own redis-server (with `requirepass`) and a
redis-sentinel monitoring it, on free loopback ports."""

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from kombu import Connection

from dashboard.operations import credentials
from dashboard.redis_client import RedisConfig, cache_settings, redis_client

PASSWORD = "master-pw:/@"  # characters a URL must quote
QUOTED_PASSWORD = "master-pw%3A%2F%40"
SENTINEL_PASSWORD = "sentinel-pw"
MASTER = "dashboard-master"


def test_a_plain_url_is_the_broker_and_its_database_1_the_cache() -> None:
    config = RedisConfig.parse(url=f"redis://:{QUOTED_PASSWORD}@redis.example:6380/2")

    assert config.password == PASSWORD
    assert config.db == 2
    assert config.broker_url() == config.url
    assert config.broker_transport_options() == {}
    assert config.with_db(1).url == f"redis://:{QUOTED_PASSWORD}@redis.example:6380/1"
    assert cache_settings(config=config, location="redis://x/1")["BACKEND"] == (
        "dashboard.redis_client.RedisCache"
    )


def test_the_cache_makes_one_redis_client_per_pool_and_still_answers() -> None:
    """Django's client makes a Redis client per command; ours keeps one (see _CacheClient)."""
    from django.core.cache import cache

    cache.set("test-redis-client", "kept", 5)
    first = cache._cache.get_client()  # type: ignore[attr-defined]

    assert cache.get("test-redis-client") == "kept"
    assert cache._cache.get_client() is first  # type: ignore[attr-defined]
    assert cache._cache.get_client(write=True) is first  # type: ignore[attr-defined]


def test_sentinels_switch_the_broker_and_the_cache_to_sentinel() -> None:
    config = RedisConfig.parse(
        url=f"redis://:{QUOTED_PASSWORD}@unused:6379/3",
        sentinels="s1.example:26379, s2.example:26380",
        master=MASTER,
        sentinel_password=SENTINEL_PASSWORD,
    )

    assert config.sentinels == (("s1.example", 26379), ("s2.example", 26380))
    assert config.broker_url() == (
        f"sentinel://:{QUOTED_PASSWORD}@s1.example:26379/3;"
        f"sentinel://:{QUOTED_PASSWORD}@s2.example:26380/3"
    )
    assert config.broker_transport_options() == {
        "master_name": MASTER,
        "sentinel_kwargs": {"password": SENTINEL_PASSWORD},
    }
    options = cache_settings(config=config, location="redis://:pw@unused/1")["OPTIONS"]
    assert options["pool_class"] == "dashboard.redis_client.SentinelCachePool"
    assert options["sentinels"] == "s1.example:26379,s2.example:26380"


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"url": "http://redis:6379/0"}, "REDIS_URL must start with redis://"),
        ({"url": "redis://x/0", "sentinels": "s1:26379"}, "REDIS_SENTINEL_MASTER"),
        ({"url": "redis://x/0", "sentinels": "s1", "master": MASTER}, "host:port"),
        ({"url": "redis://x/0", "sentinels": "s1:port", "master": MASTER}, "host:port"),
    ],
)
def test_a_wrong_setting_is_named(values: dict[str, str], says: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=says):
        RedisConfig.parse(**values)


# ---- against a real redis-server and redis-sentinel ------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(argv: list[str], log: Path, ready: Any) -> subprocess.Popen[bytes]:
    """Start a server and wait (up to 10 s) until `ready()` is true."""
    with log.open("wb") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if ready():
                return process
        except redis.RedisError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


@dataclass(frozen=True)
class Servers:
    redis_port: int
    sentinel_port: int


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A redis-server with a password and a redis-sentinel (with its own) monitoring it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    workdir = tmp_path_factory.mktemp("redis")
    redis_port, sentinel_port = _free_port(), _free_port()
    master = redis.Redis(port=redis_port, password=PASSWORD)
    server = _start(
        [
            binary,
            *("--port", str(redis_port), "--bind", "127.0.0.1", "--requirepass", PASSWORD),
            *("--save", "", "--appendonly", "no", "--dir", str(workdir)),
        ],
        workdir / "redis.log",
        master.ping,
    )
    conf = workdir / "sentinel.conf"
    conf.write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\ndir {workdir}\n"
        f"requirepass {SENTINEL_PASSWORD}\n"
        f"sentinel monitor {MASTER} 127.0.0.1 {redis_port} 1\n"
        f'sentinel auth-pass {MASTER} "{PASSWORD}"\n'
    )
    watcher = redis.Redis(port=sentinel_port, password=SENTINEL_PASSWORD)
    sentinel = _start(
        [binary, str(conf), "--sentinel"],
        workdir / "sentinel.log",
        lambda: watcher.sentinel_get_master_addr_by_name(MASTER),
    )
    yield Servers(redis_port=redis_port, sentinel_port=sentinel_port)
    _stop(sentinel)
    _stop(server)


def _use(settings: Any, *, url: str, sentinels: str = "") -> None:
    settings.REDIS_URL = url
    settings.REDIS_SENTINELS = sentinels
    settings.REDIS_SENTINEL_MASTER = MASTER if sentinels else ""
    settings.REDIS_SENTINEL_PASSWORD = SENTINEL_PASSWORD if sentinels else ""


def _token_round_trip(redis_port: int) -> None:
    """Store a token through the settings' client; it is on the real server, database 3."""
    operation_id = uuid.uuid4()
    credentials.token_store(
        operation_id=operation_id,
        token="a-keystone-token",
        expires_at=datetime.now(UTC) + timedelta(minutes=5),
    )
    assert credentials.token_fetch(operation_id=operation_id) == "a-keystone-token"
    server = redis.Redis(port=redis_port, password=PASSWORD, db=3)
    assert server.exists(credentials._key(operation_id)) == 1
    credentials.token_forget(operation_id=operation_id)


def test_the_token_store_uses_the_password_in_redis_url(servers: Servers, settings: Any) -> None:
    _use(settings, url=f"redis://:{QUOTED_PASSWORD}@127.0.0.1:{servers.redis_port}/3")

    _token_round_trip(servers.redis_port)

    settings.REDIS_URL = f"redis://127.0.0.1:{servers.redis_port}/3"
    with pytest.raises(redis.AuthenticationError):
        redis_client().ping()


def test_the_token_store_goes_through_sentinel(servers: Servers, settings: Any) -> None:
    # The URL's host is not used: Sentinel names the master.
    _use(
        settings,
        url=f"redis://:{QUOTED_PASSWORD}@no-such-host.invalid:1/3",
        sentinels=f"127.0.0.1:{servers.sentinel_port}",
    )

    _token_round_trip(servers.redis_port)


def test_the_cache_and_the_broker_go_through_sentinel(servers: Servers) -> None:
    config = RedisConfig.parse(
        url=f"redis://:{QUOTED_PASSWORD}@no-such-host.invalid:1/4",
        sentinels=f"127.0.0.1:{servers.sentinel_port}",
        master=MASTER,
        sentinel_password=SENTINEL_PASSWORD,
    )
    cache_config = cache_settings(config=config, location=config.with_db(5).url)
    cache = RedisCache(cache_config["LOCATION"], cache_config)

    cache.set("throttle", 7)
    assert cache.get("throttle") == 7
    assert redis.Redis(port=servers.redis_port, password=PASSWORD, db=5).keys("*throttle")

    with Connection(
        config.broker_url(), transport_options=config.broker_transport_options()
    ) as broker:
        queue = broker.SimpleQueue(f"test-{uuid.uuid4()}")
        queue.put({"operation": "1"})
        assert queue.get(timeout=5).payload == {"operation": "1"}
        queue.close()
    assert redis.Redis(port=servers.redis_port, password=PASSWORD, db=4).dbsize() > 0
