"""Secrets never reach a log line."""

import logging

import structlog

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
    formatter = next(
        handler.formatter
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )
    record = logging.LogRecord(
        "some.library", logging.WARNING, __file__, 1, "request with %s", (FERNET,), None
    )

    output = formatter.format(record)

    assert "request with ***" in output
    assert FERNET not in output
