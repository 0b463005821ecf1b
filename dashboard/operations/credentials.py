"""Keeps a user's token for an operation in Redis (encrypted), never in the database, task or logs.

The web process stores the token when the operation starts; the worker reads it to act as the
user and removes it when the operation ends. It expires with the token itself.
"""

from datetime import UTC, datetime
from uuid import UUID

from dashboard.redis_client import redis_client
from dashboard.token_encryption import token_decrypt, token_encrypt

KEY_PREFIX = "dashboard:operation-token:"


def _key(operation_id: UUID) -> str:
    return f"{KEY_PREFIX}{operation_id}"


def token_store(*, operation_id: UUID, token: str, expires_at: datetime) -> None:
    """Keep `token` for the operation until the token's own expiry."""
    ttl = int((expires_at - datetime.now(UTC)).total_seconds())
    if ttl > 0:
        redis_client().set(_key(operation_id), token_encrypt(token), ex=ttl)


def token_fetch(*, operation_id: UUID) -> str | None:
    """The operation's token, or None when it expired, was never stored or its encryption key
    was retired."""
    value = redis_client().get(_key(operation_id))
    return token_decrypt(str(value)) if value is not None else None


def token_forget(*, operation_id: UUID) -> None:
    redis_client().delete(_key(operation_id))
