"""What the operations that make Keystone users share (accepting an invitation, approving a
sign-up, choosing a password): giving a role with Keystone's own answer, deleting a user again,
and keeping a chosen password for its operation.

A password never reaches the database, a task's arguments or the logs: the web process keeps it
encrypted in Redis under what it is for (an invitation's id, an application's id), the operation
takes it from there and forgets it when it ends.
"""

from datetime import timedelta
from typing import Any

import structlog

from dashboard.cloud.connection import Connection
from dashboard.cloud.errors import CloudError, translated
from dashboard.cloud.identity import KEYSTONE, identity_proxy
from dashboard.i18n import Message, gettext_noop
from dashboard.redis_client import redis_client
from dashboard.token_encryption import token_decrypt, token_encrypt

log = structlog.get_logger(__name__)

PASSWORD_KEY = "tenants:chosen-password:"
# How long a password waits for its operation: past the operations' stuck limit, nothing runs.
PASSWORD_TTL = timedelta(hours=2)


def password_keep(*, key: str, password: str) -> None:
    """Keep the chosen password, encrypted, for the operation of `key` (PASSWORD_TTL)."""
    redis_client().set(
        f"{PASSWORD_KEY}{key}", token_encrypt(password), ex=int(PASSWORD_TTL.total_seconds())
    )


def password_take(*, key: str) -> str | None:
    """The password kept for `key`; None when it expired or was never kept."""
    value = redis_client().get(f"{PASSWORD_KEY}{key}")
    return token_decrypt(str(value)) if value is not None else None


def password_forget(*, key: str) -> None:
    redis_client().delete(f"{PASSWORD_KEY}{key}")


def project_role_assign(*, conn: Connection, project_id: str, user_id: str, role_id: str) -> None:
    """Give the user the role on the project (idempotent). Raises CloudError with Keystone's
    reason: openstacksdk's assign_project_role_to_user answers False for a refusal and drops
    it, so the request is sent as it is."""
    identity_proxy(conn).put(
        f"/projects/{project_id}/users/{user_id}/roles/{role_id}", raise_exc=True
    )


def user_undo(*, conn: Connection, user: Any) -> None:
    """Delete a user an operation made, when what followed failed: nothing half-made. A user
    already gone is done; a failure is logged."""
    doing = Message(gettext_noop("delete the user “%(name)s” again"), {"name": user.name})
    try:
        with translated(doing=doing, service=KEYSTONE):
            identity_proxy(conn).delete_user(user, ignore_missing=True)
    except CloudError:
        log.exception("keystone_user.undo_failed", user=str(user.id))
