"""An operation's token rests in Redis encrypted, and survives a key rotation."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet

from dashboard.operations import credentials
from dashboard.redis_client import redis_client

TOKEN = "gAAAAABpretend-keystone-token-" + "x" * 120


@pytest.fixture
def operation_id() -> Any:
    operation_id = uuid.uuid4()
    yield operation_id
    credentials.token_forget(operation_id=operation_id)


def _store(operation_id: uuid.UUID) -> None:
    credentials.token_store(
        operation_id=operation_id, token=TOKEN, expires_at=datetime.now(UTC) + timedelta(hours=1)
    )


def test_the_token_in_redis_is_encrypted(operation_id: uuid.UUID) -> None:
    _store(operation_id)

    raw = redis_client().get(credentials._key(operation_id))

    assert raw is not None
    assert TOKEN not in raw
    assert credentials.token_fetch(operation_id=operation_id) == TOKEN


def test_a_rotated_key_still_opens_tokens_until_it_is_retired(
    operation_id: uuid.UUID, settings: Any
) -> None:
    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    _store(operation_id)

    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    assert credentials.token_fetch(operation_id=operation_id) == TOKEN

    settings.TOKEN_ENCRYPTION_KEYS = settings.TOKEN_ENCRYPTION_KEYS[:1]
    assert credentials.token_fetch(operation_id=operation_id) is None
