"""The web and worker processes' Redis client, one connection pool per process."""

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def redis_client() -> redis.Redis:
    """A client of `settings.REDIS_URL` that answers str (tests point the setting elsewhere)."""
    return _redis(settings.REDIS_URL)
