"""Change counters that let open pages follow the mirror live.

Every write of the mirror (`sync_rows`, `delete_rows`) bumps, once its transaction commits, a
counter in Redis for each scope that sees the rows it changed (`MirrorModel.change_scopes`); a
sync that changes nothing bumps nothing. Each step of an operation bumps its project's counter
too, for the Activity page (`dashboard.operations.services`). A page polls `mirror_version` for
its session's scopes (its project, its user, and the rows every project sees) and reloads its
live parts only when the version moved, or when the freshness notes it shows ("Synced 2 minutes
ago") would read differently (`freshness_version`). Versions are opaque digests: they tell a
page that something it may show changed, never what, nor how often other scopes change.

A version also names the mirror's rows as they were when it was read: what a process reads from
them for a page may be kept under it (`VersionedCache`) and never goes stale. An epoch, made
anew whenever Redis lost its keys, is part of every version, so counters starting again from
nothing never repeat an earlier version.
"""

import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, ClassVar, Protocol

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
    client = redis_client()
    epoch = f"{KEY_PREFIX}epoch"
    counters = client.mget([epoch, *(f"{KEY_PREFIX}{scope}" for scope in scopes)])
    if counters[0] is None:  # a new Redis, or one that lost its keys
        client.set(epoch, secrets.token_hex(8), nx=True)
        counters[0] = client.get(epoch)
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


class VersionedCache[V]:
    """Values read from the mirror for a page, kept in this process by (key, mirror version):
    the same version means the same rows, so an entry needs no invalidation; the oldest go past
    `size`. Without a version ("": Redis unknown, or not a page) every call reads."""

    every: ClassVar[list["VersionedCache[Any]"]] = []

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[tuple[Hashable, str], V] = OrderedDict()
        VersionedCache.every.append(self)

    def get(self, key: Hashable, version: str, read: Callable[[], V]) -> V:
        if not version:
            return read()
        entry = (key, version)
        if entry in self._values:
            return self._values[entry]
        value = self._values[entry] = read()
        while len(self._values) > self.size:
            self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        self._values.clear()


def _digest(seen: object) -> str:
    return hashlib.blake2b(repr(seen).encode(), digest_size=8).hexdigest()
