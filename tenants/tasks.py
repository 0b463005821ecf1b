"""Periodic work of the tenants app: expired sessions, mirroring projects and quotas, and the
try-out cloud's clean-up of expired trials."""

from collections.abc import Mapping
from contextlib import suppress
from importlib import import_module

import structlog
from celery import shared_task
from django.conf import settings
from redis.exceptions import LockError

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudError
from dashboard.mirror.sweep import run_sweep, sweep_lock
from dashboard.mirror.sync import SyncResult
from dashboard.redis_client import redis_client
from tenants.reconcile import reconcile_every_quota, reconcile_projects, reconcile_quotas

log = structlog.get_logger(__name__)

# Seconds a sweep may hold its lock: shorter than beat's five-minute interval for it.
SWEEP_LOCK_TTL = 270
# Beat's sweep of every project's quotas (settings.QUOTA_SWEEP_SECONDS) holds its lock a little
# less than the time to the next.
QUOTA_SWEEP_LOCK_TTL = int(settings.QUOTA_SWEEP_SECONDS) - 5
# Seconds between two refreshes of one project's quotas asked for by a page watching them.
QUOTA_REFRESH_INTERVAL = 10
# Projects whose compute quotas beat's sweep reads from Nova each time besides those it has none
# of yet: Nova's legacy quotas have no listing across projects, so this bounds the sweep's calls
# whatever the number of projects (2 calls a minute; a limit changed outside Nova shows within
# projects / 2 minutes, or as soon as a page watching the project asks; under unified limits
# these reads bring only Nova's usage).
COMPUTE_QUOTA_PROJECTS_PER_SWEEP = 2


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions, and with them the Keystone tokens they held; idempotent."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task
def reconcile_projects_task() -> None:
    """Full sweep of Keystone projects; skips when locked."""
    run_sweep(
        group="projects",
        lock_ttl=SWEEP_LOCK_TTL,
        sweep=lambda: {"projects": reconcile_projects(conn=service_connection())},
    )


@shared_task
def reconcile_quotas_task(project_id: str | None = None, rolling: bool = False) -> None:
    """Compute and network quotas of one project or all (and then the default quotas too, from
    the same reads); `rolling` (beat's) reads the compute quotas of at most
    COMPUTE_QUOTA_PROJECTS_PER_SWEEP projects already mirrored from Nova. Skips when locked."""

    def sweep() -> Mapping[str, SyncResult]:
        conn = service_connection()
        if project_id is not None:
            return {"quotas": reconcile_quotas(conn=conn, project_id=project_id)}
        at_most = COMPUTE_QUOTA_PROJECTS_PER_SWEEP if rolling else None
        return reconcile_every_quota(conn=conn, compute_projects_at_most=at_most)

    run_sweep(group="quotas", project_id=project_id, lock_ttl=QUOTA_SWEEP_LOCK_TTL, sweep=sweep)


def quota_refresh_soon(*, project_id: str) -> bool:
    """Queue a reconcile of the project's quotas, at most once per QUOTA_REFRESH_INTERVAL
    (pages that show usage call this while someone watches them); True when queued."""
    if not redis_client().set(f"quota-refresh:{project_id}", 1, nx=True, ex=QUOTA_REFRESH_INTERVAL):
        return False
    reconcile_quotas_task.delay(project_id)
    return True


@shared_task
def trial_cleanup_task() -> None:
    """Beat's clean-up of trials (every TRIAL_CLEANUP_SECONDS): warn, remove what has expired,
    end the trials whose end has passed (`trials_clean_up`). One run at a time (a Redis lock
    that expires before the next run); a run the cloud fails is beat's to repeat."""
    ttl = max(int(settings.TRIAL_CLEANUP_SECONDS) - 5, 25)
    lock = sweep_lock(group="trial-cleanup", project_id=None, ttl=ttl)
    if not lock.acquire(blocking=False):
        return
    # Imported here: the services import this module (quota refreshes).
    from tenants.services.trials import trials_clean_up

    try:
        trials_clean_up()
    except CloudError as exc:
        log.warning("trial_cleanup.failed", error=str(exc))
    finally:
        with suppress(LockError):
            lock.release()
