"""Running a full sweep of one resource group: one at a time, its outcome recorded.

Beat calls these every interval; a sweep that finds another still running returns at once, and
one that fails (the cloud unreachable) is recorded so pages can say their data is behind.
"""

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.utils import timezone
from redis.exceptions import LockError
from redis.lock import Lock

from dashboard.cloud.errors import CloudError
from dashboard.i18n import Message
from dashboard.mirror.live import sync_states
from dashboard.mirror.models import SyncState
from dashboard.mirror.sync import SyncResult
from dashboard.redis_client import redis_client

log = structlog.get_logger(__name__)


def sweep_lock(*, group: str, project_id: str | None, ttl: int = 25) -> Lock:
    """The Redis lock one sweep of `group` for `project_id` (None: all projects) holds."""
    return Lock(redis_client(decode=False), f"reconcile:{group}:{project_id or '*'}", timeout=ttl)


def run_sweep(
    *,
    group: str,
    sweep: Callable[[], Mapping[str, SyncResult]],
    project_id: str | None = None,
    lock_ttl: int = 25,
) -> Mapping[str, SyncResult] | None:
    """Run `sweep` under the group's Redis lock (TTL shorter than beat's interval, so a dead
    worker blocks at most one run); record success or the cloud's error. None when skipped."""
    lock = sweep_lock(group=group, project_id=project_id, ttl=lock_ttl)
    if not lock.acquire(blocking=False):
        return None
    started = timezone.now()
    try:
        results = sweep()
    except CloudError as exc:
        # Beat runs the sweep again at its next interval: a retry here would only pile up.
        _record(group=group, project_id=project_id, attempt=started, failure=exc.message)
        log.warning("reconcile.failed", group=group, project_id=project_id, error=str(exc))
        return None
    finally:
        # The lock may have expired during a long sweep (and been taken by the next one).
        with suppress(LockError):
            lock.release()
    _record(group=group, project_id=project_id, attempt=started, failure=None)
    changes = {
        resource: f"+{r.created} ~{r.updated} -{r.deleted}"
        for resource, r in results.items()
        if r.created or r.updated or r.deleted
    }
    if changes:
        log.info("reconcile.changed", group=group, project_id=project_id, **changes)
    return results


def _record(
    *, group: str, project_id: str | None, attempt: datetime, failure: Message | None
) -> None:
    if project_id is not None:
        return  # the page banner speaks of the all-projects sweeps beat runs
    fields = {"last_attempt_at": attempt, **SyncState.error_fields(failure)}
    if failure is None:
        fields["last_success_at"] = attempt
    SyncState.objects.update_or_create(group=group, defaults=fields)


@dataclass(frozen=True)
class Freshness:
    """What a list page says about its data (of the sync `group`)."""

    group: str
    last_success_at: datetime | None
    error: str
    is_behind: bool


def sync_freshness(*, group: str, interval: timedelta, version: str = "") -> Freshness:
    """Freshness of a group's mirror: behind after three missed intervals or a failed sweep.
    `version` is the sync states' (`request.sync_states_version`)."""
    state = sync_states(version).get(group)
    if state is None:
        return Freshness(group=group, last_success_at=None, error="", is_behind=True)
    late = state.last_success_at is None or (timezone.now() - state.last_success_at > 3 * interval)
    return Freshness(
        group=group,
        last_success_at=state.last_success_at,
        error=state.error_message,
        is_behind=late or bool(state.error),
    )
