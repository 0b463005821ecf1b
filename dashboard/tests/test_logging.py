"""Secrets never reach a log line."""

import json
import logging
import sys

import requests
import structlog
from keystoneauth1 import exceptions as ksa_exceptions

from dashboard.cloud.errors import translate
from dashboard.logging import MASK, redact_secrets

FERNET = "gAAAAABnS2x0ZXN0LXRva2VuLXRoYXQtbG9va3MtcmVhbA" + "x" * 80


def test_secret_keys_and_token_shaped_values_are_masked() -> None:
    event = {
        "event": f"validated {FERNET}",
        "token": "abc",
        "headers": {"X-Auth-Token": "abc", "Accept": "json"},
        "password": "hunter2",
        "user": "demo",
    }

    redacted = redact_secrets(None, "info", event)

    assert redacted["event"] == f"validated {MASK}"
    assert redacted["token"] == MASK
    assert redacted["password"] == MASK
    assert redacted["headers"] == {"X-Auth-Token": MASK, "Accept": "json"}
    assert redacted["user"] == "demo"


def test_standard_library_records_are_redacted_too() -> None:
    formatter = _formatter()
    record = logging.LogRecord(
        "some.library", logging.WARNING, __file__, 1, "request with %s", (FERNET,), None
    )

    output = formatter.format(record)

    assert "request with ***" in output
    assert FERNET not in output


# A Keystone JWS token (`[token] provider = jws`): a three-part ES256 JWT.
JWS = (
    "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJ1c2VyLWlkIiwiZXhwIjoxNzk5OTk5OTk5LCJvcGVuc3RhY2tfbWV0aG9kcyI6WyJwYXNzd29yZCJdfQ"
    ".MEUCIQDm7dJ3y5QmVtSaI8xwN8m2mTq1cM4c4u3dM0nq3Qk6ZgIgV7y0v2f8d8oK7pD2YcJm3e1wqQf4bX9z0T1aSgH"
)


def _formatter() -> logging.Formatter:
    return next(
        handler.formatter
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )


def test_jws_tokens_are_masked_like_fernet_ones() -> None:
    redacted = redact_secrets(None, "info", {"event": f"validated {JWS} and {FERNET}"})

    assert redacted["event"] == f"validated {MASK} and {MASK}"


def test_a_token_in_an_exception_is_masked_in_the_logged_traceback() -> None:
    try:
        raise RuntimeError(f"Could not find token: {JWS} / {FERNET}")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal error", (), sys.exc_info()
        )

    output = _formatter().format(record)

    assert "RuntimeError: Could not find token: *** / ***" in output
    assert JWS not in output
    assert FERNET not in output


def test_the_cloud_layer_masks_a_token_the_cloud_quotes_back() -> None:
    """Keystone's 404 for a revoked token quotes the token; the user's message must not."""
    response = requests.Response()
    response.status_code = 404
    response._content = json.dumps(
        {"error": {"message": f"Could not find token: {FERNET}"}}
    ).encode()
    response.headers["Content-Type"] = "application/json"
    response.url = "http://127.0.0.1:5000/v3/auth/tokens"

    error = translate(ksa_exceptions.from_response(response, "GET", response.url), doing="check")

    assert FERNET not in str(error)
    assert "Could not find token: ***" in str(error)
