"""Change counters that let open pages follow the mirror live.

Every write of the mirror (`sync_rows`, `delete_rows`) bumps, once its transaction commits, a
counter in Redis for each scope that sees the rows it changed (`MirrorModel.change_scopes`); a
sync that changes nothing bumps nothing. A page polls `mirror_version` for its session's scopes
(its project, its user, and the rows every project sees) and reloads its live parts only when
the version moved. The version is an opaque digest: it tells a page that something it may show
changed, never what, nor how often other scopes change.
"""

import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timesince

from dashboard.mirror.models import SyncState
from dashboard.mirror.scopes import SHARED, project_scope, user_scope
from dashboard.redis_client import redis_client

KEY_PREFIX = "dashboard:mirror-changes:"


def _bump(scopes: Iterable[str]) -> None:
    pipeline = redis_client().pipeline(transaction=False)
    for scope in sorted(scopes):
        pipeline.incr(f"{KEY_PREFIX}{scope}")
    pipeline.execute()


def mirror_changed(*, scopes: set[str]) -> None:
    """Bump the counters of `scopes` once the current transaction commits (at once outside one),
    so a page that sees the new version also reads the new rows. A failure is logged, not
    raised: the rows are written, and pages then show the change at their next reload."""
    if scopes:
        transaction.on_commit(lambda: _bump(scopes), robust=True)


def _freshness_state() -> list[tuple[str, str, str]]:
    """What the pages' "Synced N minutes ago" notes and lag warnings say, per sync group."""
    now = timezone.now()
    return [
        (group, timesince(last, now) if last else "never", error)
        for group, last, error in SyncState.objects.order_by("group").values_list(
            "group", "last_success_at", "error"
        )
    ]


def mirror_version(*, project_id: str, user_id: str) -> str:
    """The version of what a session of `user_id` in `project_id` may see of the mirror, and of
    the freshness notes its pages show: it changes when any of them does."""
    counters = redis_client().mget(
        [f"{KEY_PREFIX}{scope}" for scope in (project_scope(project_id), user_scope(user_id))]
        + [f"{KEY_PREFIX}{SHARED}"]
    )
    seen = repr((project_id, user_id, counters, _freshness_state()))
    return hashlib.blake2b(seen.encode(), digest_size=8).hexdigest()
