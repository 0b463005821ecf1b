"""Import and delete key pairs: Nova keeps them per Keystone user, named by the user.

A key pair has no id but its name, so the name is what makes a retry safe: an import that finds
the user's key pair of that name already holding the same public key (a first attempt whose
answer was lost) is done; one holding another key is a conflict the user must resolve.
"""

import base64
import binascii
import hashlib
from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, restated, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from dashboard.operations.services import operation_record_result
from instances.reconcile import NOVA, keypair_id, reconcile_keypairs

IMPORT_ADVICE = {
    400: gettext_noop(
        "the name or the public key is not valid. Use letters, digits, spaces, '-', '_' and "
        "'.' in the name, and paste the whole line of an OpenSSH public key (a .pub file)"
    ),
    # Nova answers an exceeded key pair quota with 403, as it does a policy refusal.
    403: gettext_noop(
        "you have as many key pairs as the cloud allows, or its policy does not let you import "
        "one. Delete a key pair you no longer need, or ask a cloud administrator"
    ),
}


def public_key_fingerprint(public_key: str) -> str | None:
    """The fingerprint Nova gives an OpenSSH public key (MD5 of the key blob, as aa:bb:...);
    None when the text is not one (Nova then refuses the import itself)."""
    fields = public_key.split()
    if len(fields) < 2:
        return None
    try:
        blob = base64.b64decode(fields[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[index : index + 2] for index in range(0, len(digest), 2))


def keypair_import_once(*, conn: Connection, name: str, public_key: str) -> None:
    """Import `public_key` as the connection's user's key pair `name`; finding that key pair
    already holding the same key (an earlier attempt, or another operation of the same launch)
    is done, holding another key a conflict."""
    doing = Message(gettext_noop("import key pair “%(name)s”"), {"name": name})
    try:
        with translated(doing=doing, service=NOVA, advice=IMPORT_ADVICE):
            conn.compute.create_keypair(name=name, public_key=public_key.strip())
    except CloudConflict as taken:
        with translated(doing=doing, service=NOVA):
            existing = conn.compute.get_keypair(name)
        if not _same_key(existing, public_key):
            why = Message(
                gettext_noop(
                    "you already have a key pair named “%(name)s” with another public key "
                    "(fingerprint %(fingerprint)s). Choose another name, or delete that key "
                    "pair first"
                ),
                {"name": name, "fingerprint": existing.fingerprint},
            )
            raise restated(taken, doing=doing, why=why, service=NOVA) from taken


@operation_service
def keypair_create(*, conn: Connection, operation: Operation, name: str, public_key: str) -> None:
    """Import `public_key` as the operation's user's key pair `name` (once, even when retried);
    mirror it."""
    keypair_import_once(conn=conn, name=name, public_key=public_key)
    row_id = keypair_id(user_id=operation.user_id, name=name)
    if operation.result_id != row_id:
        operation_record_result(operation=operation, result_id=row_id)
    reconcile_keypairs(conn=service_connection(), user_id=operation.user_id, names=[name])


def _same_key(existing: Any, public_key: str) -> bool:
    fingerprint = public_key_fingerprint(public_key)
    if fingerprint is not None and existing.fingerprint:
        return bool(existing.fingerprint == fingerprint)
    return bool((existing.public_key or "").split()[:2] == public_key.split()[:2])


@operation_service
def keypair_delete(*, conn: Connection, operation: Operation, name: str, user_id: str = "") -> None:
    """Delete the key pair `name` of the operation's user, or of `user_id` (an admin removing
    another user's: the trials' clean-up); already gone counts as done. Remove it from the
    mirror."""
    doing = Message(gettext_noop("delete key pair “%(name)s”"), {"name": name})
    with translated(doing=doing, service=NOVA):
        conn.compute.delete_keypair(name, ignore_missing=True, user_id=user_id or None)
    reconcile_keypairs(
        conn=service_connection(), user_id=user_id or operation.user_id, names=[name]
    )
