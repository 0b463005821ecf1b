"""/healthz: 200 "ok" when the database, Redis, the cache and Celery's broker answer, over plain
HTTP even where every other page is redirected to HTTPS; 503 naming the part that does not."""

import socket
from typing import Any

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_ok_over_plain_http_when_everything_answers() -> None:
    client = Client()  # its handler loads the middleware with the redirect on

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/auth/login/").status_code == 301


@pytest.mark.parametrize("part", ["redis", "cache", "broker"])
def test_healthz_names_the_part_that_does_not_answer(
    client: Client, settings: Any, closed_port: int, part: str
) -> None:
    """Faked: each part's URL points at a closed loopback port (a Redis that is down)."""
    url = f"redis://127.0.0.1:{closed_port}/0"
    if part == "redis":
        settings.REDIS_URL = url
    elif part == "broker":
        settings.CELERY_BROKER_URL = url
    else:
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "LOCATION": url},
        }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content.decode() == f"unavailable: {part}"
