"""Beat's entry points for mirroring Neutron: thin wrappers around `networks.reconcile`."""

from contextlib import suppress

import redis
import structlog
from celery import shared_task
from django.conf import settings
from redis.exceptions import LockError
from redis.lock import Lock

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudError
from networks.reconcile import reconcile_all

log = structlog.get_logger(__name__)

# Seconds a sweep may hold its lock: shorter than beat's interval for the sweep (30 s), so a
# worker that dies mid-sweep blocks at most one later run.
SWEEP_LOCK_TTL = 25


def sweep_lock(*, client: redis.Redis, project_id: str | None) -> Lock:
    """The lock one networking sweep of `project_id` (None: all projects) holds while it runs."""
    return Lock(client, f"reconcile:networking:{project_id or '*'}", timeout=SWEEP_LOCK_TTL)


@shared_task(ignore_result=True)
def reconcile_networking_task(project_id: str | None = None) -> None:
    """Full sweep of networking into the mirror; returns at once while another sweep runs."""
    lock = sweep_lock(client=redis.Redis.from_url(settings.REDIS_URL), project_id=project_id)
    if not lock.acquire(blocking=False):
        return
    try:
        results = reconcile_all(conn=service_connection(), project_id=project_id)
    except CloudError as exc:
        # Beat runs the sweep again at its next interval: a retry here would only pile up.
        log.warning(
            "reconcile.failed",
            group="networking",
            project_id=project_id,
            error=str(exc),
            request_id=exc.request_id,
        )
        return
    finally:
        # The lock may have expired during a long sweep (and been taken by the next one).
        with suppress(LockError):
            lock.release()
    changes = {
        resource: f"+{r.created} ~{r.updated} -{r.deleted}"
        for resource, r in results.items()
        if r.created or r.updated or r.deleted
    }
    if changes:
        log.info("reconcile.changed", group="networking", project_id=project_id, **changes)
