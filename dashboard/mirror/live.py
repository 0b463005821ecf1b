"""Change counters that let open pages follow the mirror live.

Every write of the mirror (`sync_rows`, `delete_rows`) bumps, once its transaction commits, a
counter in Redis for each scope that sees the rows it changed (`MirrorModel.change_scopes`); a
sync that changes nothing bumps nothing. Each step of an operation bumps its project's counter
too, for the Activity page (`dashboard.operations.services`). A page polls `mirror_version` for
its session's scopes (its project, its user, and the rows every project sees) and reloads its
live parts only when the version moved, or when the freshness notes it shows ("Synced 2 minutes
ago") would read differently (`freshness_version`). Versions are opaque digests: they tell a
page that something it may show changed, never what, nor how often other scopes change.
"""

import hashlib
from collections.abc import Collection, Iterable
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timesince

from dashboard.mirror.models import SyncState
from dashboard.mirror.scopes import ALL_PROJECTS, SHARED, project_scope, user_scope
from dashboard.redis_client import redis_client

KEY_PREFIX = "dashboard:mirror-changes:"


def _bump(scopes: Iterable[str]) -> None:
    pipeline = redis_client().pipeline(transaction=False)
    for scope in sorted({*scopes, ALL_PROJECTS}):
        pipeline.incr(f"{KEY_PREFIX}{scope}")
    pipeline.execute()


def mirror_changed(*, scopes: set[str]) -> None:
    """Bump the counters of `scopes` once the current transaction commits (at once outside one),
    so a page that sees the new version also reads the new rows. A failure is logged, not
    raised: the rows are written, and pages then show the change at their next reload."""
    if scopes:
        transaction.on_commit(lambda: _bump(scopes), robust=True)


def mirror_version(*, project_id: str, user_id: str, all_projects: bool = False) -> str:
    """The version of what a session of `user_id` in `project_id` may see of the mirror (of
    every project for an administrator's session, `all_projects`): it changes when any row of
    its scopes does. One Redis round trip, no SQL."""
    scopes = [project_scope(project_id), user_scope(user_id), SHARED]
    if all_projects:
        scopes.append(ALL_PROJECTS)
    counters = redis_client().mget([f"{KEY_PREFIX}{scope}" for scope in scopes])
    return _digest((project_id, user_id, counters))


class Session(Protocol):
    """A signed-in Keystone session (`tenants.session.KeystoneSession`)."""

    project_id: str
    user_id: str

    @property
    def is_admin(self) -> bool: ...


def session_mirror_version(session: Session) -> str:
    """`mirror_version` for a signed-in session; administrators follow every project."""
    return mirror_version(
        project_id=session.project_id, user_id=session.user_id, all_projects=session.is_admin
    )


def freshness_version(*, groups: Collection[str]) -> str:
    """The version of what the freshness notes of these sync groups say ("Synced 3 minutes ago",
    a lag or an error): it changes at most once a minute while the syncs run."""
    if not groups:
        return _digest(())
    now = timezone.now()
    states = SyncState.objects.filter(group__in=groups).order_by("group")
    return _digest(
        [
            (group, timesince(last, now) if last else "never", error)
            for group, last, error in states.values_list("group", "last_success_at", "error")
        ]
    )


def _digest(seen: object) -> str:
    return hashlib.blake2b(repr(seen).encode(), digest_size=8).hexdigest()
