"""Redis as the settings describe it, for everything that talks to it: the users' tokens and the
locks (`redis_client`), the cache (`cache_settings`) and Celery's broker (`RedisConfig`).

Plain: `REDIS_URL` (`redis://:password@host:6379/0`). Behind Sentinel: `REDIS_SENTINELS`
(`host:port,host:port`) and `REDIS_SENTINEL_MASTER` name where to find the master, and
`REDIS_URL` gives only its password and database (its host is not used); Sentinel's own
password, if it has one, is `REDIS_SENTINEL_PASSWORD`.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import redis
from django.conf import settings
from django.core.cache.backends import redis as django_redis
from django.core.exceptions import ImproperlyConfigured
from redis.sentinel import Sentinel

# Seconds a command may wait on Redis before it fails, so a lost Redis cannot hang a request.
SOCKET_TIMEOUT = 5.0


@dataclass(frozen=True)
class RedisConfig:
    """Where Redis is: one server (`url`), or a master that Sentinel names."""

    url: str
    sentinels: tuple[tuple[str, int], ...] = ()
    master: str = ""
    sentinel_password: str = ""

    @classmethod
    def parse(
        cls, *, url: str, sentinels: str = "", master: str = "", sentinel_password: str = ""
    ) -> "RedisConfig":
        """Read the settings' strings; ImproperlyConfigured says which one is wrong."""
        if urlsplit(url).scheme not in ("redis", "rediss"):
            raise ImproperlyConfigured(
                f"REDIS_URL must start with redis:// or rediss://, not {url.split(':')[0]!r}."
            )
        addresses = tuple(
            _address(entry.strip()) for entry in sentinels.split(",") if entry.strip()
        )
        if addresses and not master:
            raise ImproperlyConfigured(
                "REDIS_SENTINELS is set: REDIS_SENTINEL_MASTER must name the master Sentinel "
                "monitors (its `sentinel monitor <name> ...`)."
            )
        return cls(url=url, sentinels=addresses, master=master, sentinel_password=sentinel_password)

    @property
    def password(self) -> str | None:
        password = urlsplit(self.url).password
        return unquote(password) if password is not None else None

    @property
    def db(self) -> int:
        path = urlsplit(self.url).path.strip("/")
        return int(path) if path else 0

    def with_db(self, db: int) -> "RedisConfig":
        """The same Redis, another database (the cache's, apart from the broker's)."""
        parts = urlsplit(self.url)
        return RedisConfig(
            url=parts._replace(path=f"/{db}").geturl(),
            sentinels=self.sentinels,
            master=self.master,
            sentinel_password=self.sentinel_password,
        )

    def broker_url(self) -> str:
        """Celery's broker URL: this URL, or one `sentinel://` URL per Sentinel carrying the
        master's password and database (kombu reads them from the first)."""
        if not self.sentinels:
            return self.url
        secret = f":{quote(self.password, safe='')}@" if self.password else ""
        return ";".join(
            f"sentinel://{secret}{host}:{port}/{self.db}" for host, port in self.sentinels
        )

    def broker_transport_options(self) -> dict[str, Any]:
        """What kombu's Sentinel transport needs besides the URL (nothing without Sentinel)."""
        if not self.sentinels:
            return {}
        options: dict[str, Any] = {"master_name": self.master}
        if self.sentinel_password:
            options["sentinel_kwargs"] = {"password": self.sentinel_password}
        return options

    def sentinel(self, **connection: Any) -> Sentinel:
        """A Sentinel client; `connection` (and the URL's password and database) applies to the
        connections to the master it names."""
        sentinel_kwargs = {"password": self.sentinel_password} if self.sentinel_password else {}
        return Sentinel(  # type: ignore[no-untyped-call]
            list(self.sentinels),
            sentinel_kwargs={"socket_timeout": SOCKET_TIMEOUT, **sentinel_kwargs},
            password=self.password,
            db=self.db,
            **connection,
        )

    def client(self, **connection: Any) -> redis.Redis:
        """A client of the master (asked of Sentinel at each new connection) or of the URL."""
        if self.sentinels:
            master: redis.Redis = self.sentinel(**connection).master_for(  # type: ignore[no-untyped-call]
                self.master
            )
            return master
        return redis.Redis.from_url(self.url, **connection)


def _address(entry: str) -> tuple[str, int]:
    host, _, port = entry.rpartition(":")
    if not host or not port.isdigit():
        raise ImproperlyConfigured(
            f"REDIS_SENTINELS must list host:port entries separated by commas, not {entry!r}."
        )
    return host, int(port)


def redis_config() -> RedisConfig:
    """The settings' Redis (read at each call: tests point REDIS_URL elsewhere)."""
    return RedisConfig.parse(
        url=settings.REDIS_URL,
        sentinels=settings.REDIS_SENTINELS,
        master=settings.REDIS_SENTINEL_MASTER,
        sentinel_password=settings.REDIS_SENTINEL_PASSWORD,
    )


@lru_cache(maxsize=8)
def _client(config: RedisConfig, decode: bool, timeout: float) -> redis.Redis:
    return config.client(
        decode_responses=decode, socket_connect_timeout=timeout, socket_timeout=timeout
    )


def redis_client(*, decode: bool = True, timeout: float = SOCKET_TIMEOUT) -> redis.Redis:
    """A client of the settings' Redis, one connection pool per process; it answers str unless
    `decode` is False."""
    return _client(redis_config(), decode, timeout)


class SentinelCachePool:
    """Django's Redis cache asks this for its connection pool (its `pool_class` option): the pool
    of the master Sentinel names, with LOCATION's password and database."""

    @staticmethod
    def from_url(
        url: str, *, sentinels: str, master: str, sentinel_password: str = "", **options: Any
    ) -> redis.ConnectionPool:
        config = RedisConfig.parse(
            url=url, sentinels=sentinels, master=master, sentinel_password=sentinel_password
        )
        return config.client(**options).connection_pool


class _CacheClient(django_redis.RedisCacheClient):
    """Django's Redis cache client, keeping one Redis client per connection pool. Django makes a
    client for every command, and making one (its table of reply callbacks) costs about 0.1 ms:
    more than half of a GET over loopback, for each of the three a page makes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[redis.ConnectionPool, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        # Django's own get_client, but for the client kept (its private parts are not in the stubs).
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache backend with `_CacheClient`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _CacheClient


def cache_settings(*, config: RedisConfig, location: str) -> dict[str, Any]:
    """The default cache's settings: Django's Redis backend at `location`, through Sentinel when
    `config` has Sentinels."""
    options: dict[str, Any] = {"socket_connect_timeout": 2, "socket_timeout": 2}
    if not config.sentinels:
        return {
            "BACKEND": "dashboard.redis_client.RedisCache",
            "LOCATION": location,
            "OPTIONS": options,
        }
    return {
        "BACKEND": "dashboard.redis_client.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            **options,
            "pool_class": "dashboard.redis_client.SentinelCachePool",
            "sentinels": ",".join(f"{host}:{port}" for host, port in config.sentinels),
            "master": config.master,
            "sentinel_password": config.sentinel_password,
        },
    }
