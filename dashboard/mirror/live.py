"""Change counters that let open pages follow the mirror live.

Every write of the mirror (`sync_rows`, `delete_rows`) bumps, once its transaction commits, a
counter in Redis for each scope that sees the rows it changed (`MirrorModel.change_scopes`); a
sync that changes nothing bumps nothing. Each step of an operation bumps its project's counter
too, for the Activity page (`dashboard.operations.services`). A page polls `versions` for
its session's scopes (its project, its user, and the rows every project sees) and reloads its
live parts only when the version moved, or when the freshness notes it shows ("Synced 2 minutes
ago") would read differently (`freshness_version`). Versions are opaque digests: they tell a
page that something it may show changed, never what, nor how often other scopes change.

A version also names the mirror's rows as they were when it was read: what a process reads from
them for a page may be kept under it (`VersionedCache`) and never goes stale. An epoch, made
anew whenever Redis lost its keys, is part of every version, so counters starting again from
nothing never repeat an earlier version. The sync states (what the freshness notes say) have a
counter and a version of their own, read in the same round trip: a sweep moves them every
minute or so, and with them the pages' mirror version would reload their live parts as often.
"""

import hashlib
import secrets
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timesince

from dashboard.mirror.models import SyncState
from dashboard.mirror.scopes import ALL_PROJECTS, SHARED, project_scope, user_scope
from dashboard.redis_client import redis_client

KEY_PREFIX = "dashboard:mirror-changes:"
# The sync states' counter, beside the scopes' (`dashboard.mirror.scopes` names no scope so).
SYNC_STATES = "sync-states"


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


@dataclass(frozen=True)
class Versions:
    """What a page may show of the mirror (`mirror`), what the session's own project may see of
    it (`project`), and what the sync states say (`sync_states`): what a process reads for a
    page is kept under these. `mirror` is `project` but on an administrator's page that lists
    every project, where it moves with any project's change."""

    mirror: str
    sync_states: str
    project: str


def versions(*, project_id: str, user_id: str, all_projects: bool = False) -> Versions:
    """The versions of what a session of `user_id` in `project_id` may see of the mirror (also
    of every project's rows as `mirror`, for an administrator's page that lists them:
    `all_projects`), which changes when any row of its scopes does, and of the sync states. One
    Redis round trip, no SQL."""
    scopes = [project_scope(project_id), user_scope(user_id), SHARED]
    if all_projects:
        scopes.append(ALL_PROJECTS)
    client = redis_client()
    epoch_key = f"{KEY_PREFIX}epoch"
    epoch, sync_counter, *counters = client.mget(
        [epoch_key, f"{KEY_PREFIX}{SYNC_STATES}", *(f"{KEY_PREFIX}{scope}" for scope in scopes)]
    )
    if epoch is None:  # a new Redis, or one that lost its keys
        client.set(epoch_key, secrets.token_hex(8), nx=True)
        epoch = client.get(epoch_key)
    project = _digest((project_id, user_id, [epoch, *counters[:3]]))
    return Versions(
        mirror=_digest((project_id, user_id, [epoch, *counters])) if all_projects else project,
        sync_states=_digest((epoch, sync_counter)),
        project=project,
    )


class Session(Protocol):
    """A signed-in Keystone session (`tenants.session.KeystoneSession`)."""

    project_id: str
    user_id: str

    @property
    def is_admin(self) -> bool: ...


def session_versions(session: Session, *, all_projects: bool = False) -> Versions:
    """`versions` for a signed-in session; `all_projects` (a page that lists every project)
    counts for administrators only. Any other page of an administrator follows the session's
    project alone, as a member's does: other projects' changes do not reload it."""
    return versions(
        project_id=session.project_id,
        user_id=session.user_id,
        all_projects=all_projects and session.is_admin,
    )


def session_mirror_version(session: Session) -> str:
    """`session_versions(session).mirror` of a page of the session's project."""
    return session_versions(session).mirror


def freshness_version(*, groups: Collection[str], version: str = "") -> str:
    """The version of what the freshness notes of these sync groups say ("Synced 3 minutes ago",
    a lag or an error): it changes at most once a minute while the syncs run. `version` is the
    sync states' (`Versions.sync_states`)."""
    if not groups:
        return _digest(())
    now = timezone.now()
    states = sync_states(version)
    return _digest(
        [
            (
                group,
                timesince(state.last_success_at, now) if state.last_success_at else "never",
                state.error,
            )
            for group in sorted(groups)
            if (state := states.get(group)) is not None
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


_SYNC_STATES: VersionedCache[dict[str, SyncState]] = VersionedCache(size=4)


def sync_states(version: str = "") -> dict[str, SyncState]:
    """Every sweep's `SyncState` by group, kept in this process under the sync states' version
    (`Versions.sync_states`; "": read them). Read only: they are shared by every request."""
    return _SYNC_STATES.get(
        "all", version, lambda: {state.group: state for state in SyncState.objects.all()}
    )


def sync_states_changed(**_signal: Any) -> None:
    """Move the sync states' version once the write commits (`SyncState`'s post_save and
    post_delete), so pages read them again."""
    transaction.on_commit(lambda: redis_client().incr(f"{KEY_PREFIX}{SYNC_STATES}"), robust=True)
