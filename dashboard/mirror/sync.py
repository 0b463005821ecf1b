"""Write an observation of the cloud into a mirror table.

Level-driven and idempotent: the same observation written twice changes nothing the second time.
Rows are deleted only when the observation is complete for its scope (a full listing), never
after a partial one (by ids, or changed-since), because a missing row then proves nothing.
Several writers at once (two listeners, a worker's reconcile after its operation) are safe: the
rows a write reads are locked until it commits, a row another writer inserted meanwhile makes
the write start over (and find it), and an observation never replaces a row that holds a higher
revision number of the object (an older fetch that lost the race).
Every write that changes rows bumps the change counters of the scopes that see them
(`dashboard.mirror.live`), which open pages poll.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, OperationalError, models, transaction
from django.utils import timezone

from dashboard.mirror.live import mirror_changed
from dashboard.mirror.models import MirrorModel

# How many times a write starts over after losing a race with another writer; PostgreSQL's
# SQLSTATE for a deadlock it broke.
CONCURRENT_RETRIES = 3
DEADLOCK_DETECTED = "40P01"


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __add__(self, other: "SyncResult") -> "SyncResult":
        """The counts of two writes that make one pass (a table and its grants, several users)."""
        return SyncResult(
            created=self.created + other.created,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            deleted=self.deleted + other.deleted,
        )


def sync_rows[M: MirrorModel](
    *,
    model: type[M],
    observed: Mapping[str, Mapping[str, Any]],
    scope: models.Q | None = None,
    complete: bool,
    observed_at: datetime | None = None,
    now: datetime | None = None,
) -> SyncResult:
    """Upsert `observed` (id -> field values) into `model`; when `complete`, delete the rows in
    `scope` (default: the whole table) that the observation no longer holds.

    Only rows whose fields changed are written; `synced_at` is refreshed on every observed row.
    A row synced after `observed_at` (when a slow listing began) holds newer news, from a
    targeted pass that ran meanwhile: the older observation leaves it as it is.
    """
    now = now or timezone.now()
    attempts = 0
    while True:
        try:
            with transaction.atomic():
                return _sync_rows(
                    model=model,
                    observed=observed,
                    scope=scope,
                    complete=complete,
                    observed_at=observed_at,
                    now=now,
                )
        except (IntegrityError, OperationalError) as exc:
            attempts += 1
            if attempts > CONCURRENT_RETRIES or not _lost_a_race(exc):
                raise


def _lost_a_race(exc: DatabaseError) -> bool:
    """Whether another writer's transaction caused the error: it inserted a row this write was
    inserting too (a unique violation), or PostgreSQL broke a deadlock between the two."""
    return isinstance(exc, IntegrityError) or (
        getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
    )


def _sync_rows[M: MirrorModel](
    *,
    model: type[M],
    observed: Mapping[str, Mapping[str, Any]],
    scope: models.Q | None,
    complete: bool,
    observed_at: datetime | None,
    now: datetime,
) -> SyncResult:
    manager = model._default_manager
    deleted = 0
    # Locked in one order (by id), so two writers of overlapping rows wait, never deadlock.
    existing = manager.select_for_update().order_by("pk").in_bulk(list(observed))
    to_create: list[M] = []
    to_update: list[tuple[M, list[str]]] = []
    seen_unchanged: list[M] = []
    field_names: set[str] = {"synced_at"}
    for object_id, fields in observed.items():
        row = existing.get(object_id)
        if row is None:
            to_create.append(model(pk=object_id, synced_at=now, **fields))
            continue
        if observed_at is not None and row.synced_at > observed_at:
            continue
        if _older_revision(row, fields):
            continue
        changed = [name for name, value in fields.items() if getattr(row, name) != value]
        field_names.update(changed)
        if changed:
            to_update.append((row, changed))
        else:
            seen_unchanged.append(row)
    # Who saw the rows before the change (a network no longer shared) and who sees them now.
    scopes = model.change_scopes([row for row, _ in to_update])
    for row, changed in to_update:
        for name in changed:
            setattr(row, name, observed[row.pk][name])
    updated = [row for row, _ in to_update]
    for row in [*updated, *seen_unchanged]:
        row.synced_at = now
    manager.bulk_create(to_create, batch_size=500)
    if updated:
        manager.bulk_update(updated, sorted(field_names), batch_size=500)
    if seen_unchanged:
        manager.filter(pk__in=[row.pk for row in seen_unchanged]).update(synced_at=now)
    scopes |= model.change_scopes([*to_create, *updated])
    if complete:
        stale = list(manager.filter(scope or models.Q()).exclude(pk__in=list(observed)))
        scopes |= model.change_scopes(stale)
        deleted, _ = manager.filter(pk__in=[row.pk for row in stale]).delete()
    mirror_changed(scopes=scopes)
    return SyncResult(
        created=len(to_create),
        updated=len(updated),
        unchanged=len(seen_unchanged),
        deleted=deleted,
    )


def _older_revision(row: MirrorModel, fields: Mapping[str, Any]) -> bool:
    """Whether the observation is of an older revision of the object than the row holds."""
    observed = fields.get("revision_number")
    held = getattr(row, "revision_number", None)
    return observed is not None and held is not None and observed < held


def delete_rows(*, model: type[MirrorModel], ids: list[str]) -> int:
    """Remove rows for objects the cloud says are gone (a targeted 404, a delete event)."""
    gone = list(model._default_manager.filter(pk__in=ids))
    if not gone:
        return 0
    deleted, _ = model._default_manager.filter(pk__in=[row.pk for row in gone]).delete()
    mirror_changed(scopes=model.change_scopes(gone))
    return deleted
