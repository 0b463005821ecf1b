"""Thin Celery entry points that keep the compute, project and quota mirror fresh.

Beat runs the periodic ones; each holds a non-blocking Redis lock per (resource group, scope)
with a TTL shorter than its interval, so runs never pile up and a crashed worker's lock expires
before the next run is due. A run that finds the lock held returns at once. Servers seen in a
transitional state get a follow-up targeted reconcile after a `countdown`, never a blocking wait.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

import redis
import structlog
from celery import shared_task
from django.conf import settings

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudError, CloudTransientError
from dashboard.mirror.sync import SyncResult
from instances.reconcile import (
    reconcile_flavors,
    reconcile_images,
    reconcile_keypairs,
    reconcile_servers,
    reconcile_servers_incremental,
)
from tenants.models import User
from tenants.reconcile import reconcile_projects, reconcile_quotas

log = structlog.get_logger(__name__)

# Lock TTLs, in seconds: each a little under the interval of the beat entry that takes it.
INCREMENTAL_LOCK_TTL = 9
SWEEP_LOCK_TTL = 270
# Follow-ups of a transitional server: after 2 s, then 1.5 times longer each time up to a minute,
# 20 in all (about 13 minutes); past that the periodic passes keep watching it.
FOLLOWUP_FIRST_DELAY = 2.0
FOLLOWUP_MAX_DELAY = 60.0
FOLLOWUP_MAX_ATTEMPTS = 20


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@contextmanager
def mirror_lock(*, group: str, scope: str | None, ttl: int) -> Iterator[bool]:
    """Yield whether this run holds the lock of (group, scope); it is released on exit."""
    lock = _redis().lock(f"reconcile:{group}:{scope or '*'}", timeout=ttl, blocking=False)
    acquired = lock.acquire()
    try:
        yield acquired
    finally:
        if acquired:
            try:
                lock.release()
            except redis.exceptions.LockError:
                log.warning("mirror.lock_expired", group=group, scope=scope, ttl=ttl)


def _run_locked[R: SyncResult](
    *, group: str, scope: str | None, ttl: int, run: Callable[[], R]
) -> R | None:
    """Run one reconcile under the lock of (group, scope); None when locked or the cloud failed.

    A failed run is logged, not retried: the next beat run observes the cloud afresh.
    """
    with mirror_lock(group=group, scope=scope, ttl=ttl) as acquired:
        if not acquired:
            log.info("mirror.skipped_locked", group=group, scope=scope)
            return None
        try:
            result = run()
        except CloudError as exc:
            log.warning("mirror.reconcile_failed", group=group, scope=scope, error=str(exc))
            return None
    log.info("mirror.reconciled", group=group, scope=scope, **asdict(result))
    return result


def _total(results: Iterable[SyncResult]) -> SyncResult:
    total = SyncResult()
    for one in results:
        total = SyncResult(
            created=total.created + one.created,
            updated=total.updated + one.updated,
            unchanged=total.unchanged + one.unchanged,
            deleted=total.deleted + one.deleted,
        )
    return total


def _followup_key(server_id: str) -> str:
    return f"mirror:followup:server:{server_id}"


def _followup_delay(attempt: int) -> float:
    return float(min(FOLLOWUP_FIRST_DELAY * 1.5**attempt, FOLLOWUP_MAX_DELAY))


def server_followup_schedule(*, ids: list[str] | tuple[str, ...], attempt: int = 0) -> list[str]:
    """Schedule one follow-up reconcile of these servers after a countdown; returns the ids
    scheduled. A server that already has a follow-up pending is skipped, so beat passes and
    operations that all see the same BUILD server start one chain of follow-ups, not many."""
    if not ids or attempt >= FOLLOWUP_MAX_ATTEMPTS:
        return []
    delay = _followup_delay(attempt)
    client = _redis()
    due = [
        server_id
        for server_id in ids
        if client.set(_followup_key(server_id), attempt, nx=True, ex=int(delay) + 30)
    ]
    if due:
        reconcile_servers_followup_task.apply_async(
            kwargs={"ids": due, "attempt": attempt}, countdown=delay
        )
    return due


@shared_task
def reconcile_servers_followup_task(ids: list[str], attempt: int = 0) -> None:
    """Reconcile these servers by id; schedule the next follow-up for those still transitional."""
    _redis().delete(*(_followup_key(server_id) for server_id in ids))
    try:
        result = reconcile_servers(conn=service_connection(), ids=ids)
    except CloudTransientError as exc:
        log.warning("mirror.followup_failed", ids=ids, attempt=attempt, error=str(exc))
        server_followup_schedule(ids=ids, attempt=attempt + 1)
        return
    server_followup_schedule(ids=result.transitional, attempt=attempt + 1)


@shared_task
def reconcile_servers_incremental_task(project_id: str | None = None) -> None:
    """Incremental server pass (Nova changes-since) of one project or all; skips when locked."""
    result = _run_locked(
        group="servers",
        scope=project_id,
        ttl=INCREMENTAL_LOCK_TTL,
        run=lambda: reconcile_servers_incremental(conn=service_connection(), project_id=project_id),
    )
    if result is not None:
        server_followup_schedule(ids=result.transitional)


@shared_task
def reconcile_servers_task(project_id: str | None = None) -> None:
    """Full sweep of the servers of one project or all; skips when locked."""
    result = _run_locked(
        group="servers",
        scope=project_id,
        ttl=SWEEP_LOCK_TTL,
        run=lambda: reconcile_servers(conn=service_connection(), project_id=project_id),
    )
    if result is not None:
        server_followup_schedule(ids=result.transitional)


@shared_task
def reconcile_flavors_task() -> None:
    """Full sweep of flavors and their project grants; skips when locked."""
    _run_locked(
        group="flavors",
        scope=None,
        ttl=SWEEP_LOCK_TTL,
        run=lambda: reconcile_flavors(conn=service_connection()),
    )


@shared_task
def reconcile_images_task(project_id: str | None = None) -> None:
    """Full sweep of the images one project owns, or of all images; skips when locked."""
    _run_locked(
        group="images",
        scope=project_id,
        ttl=SWEEP_LOCK_TTL,
        run=lambda: reconcile_images(conn=service_connection(), project_id=project_id),
    )


@shared_task
def reconcile_keypairs_task() -> None:
    """Full sweep of the key pairs of every user who has signed in to the dashboard.

    Nova has no listing across users, and pages show only the signed-in user's key pairs, so
    the users the dashboard knows are the ones worth the one call each.
    """
    user_ids = list(User.objects.values_list("keystone_id", flat=True))

    def run() -> SyncResult:
        conn = service_connection()
        return _total(reconcile_keypairs(conn=conn, user_id=user_id) for user_id in user_ids)

    _run_locked(group="keypairs", scope=None, ttl=SWEEP_LOCK_TTL, run=run)


@shared_task
def reconcile_projects_task() -> None:
    """Full sweep of Keystone projects; skips when locked."""
    _run_locked(
        group="projects",
        scope=None,
        ttl=SWEEP_LOCK_TTL,
        run=lambda: reconcile_projects(conn=service_connection()),
    )


@shared_task
def reconcile_quotas_task(project_id: str | None = None) -> None:
    """Compute and network quotas with usage of one project or all; skips when locked."""
    _run_locked(
        group="quotas",
        scope=project_id,
        ttl=SWEEP_LOCK_TTL,
        run=lambda: reconcile_quotas(conn=service_connection(), project_id=project_id),
    )
