"""Thin Celery entry points that keep the compute, project and quota mirror fresh.

Beat runs the periodic ones through `run_sweep`: a non-blocking Redis lock per (resource group,
project) with a TTL shorter than the interval, so runs never pile up and a dead worker's lock
expires before the next run is due, and the outcome recorded for the pages' freshness notes.
Servers seen in a transitional state get a follow-up targeted reconcile after a `countdown`,
never a blocking wait.
"""

from collections.abc import Mapping

import structlog
from celery import shared_task
from django.conf import settings

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudTransientError
from dashboard.mirror.sweep import run_sweep
from dashboard.mirror.sync import SyncResult
from dashboard.redis_client import redis_client
from instances.models import Server
from instances.reconcile import (
    ServerSyncResult,
    reconcile_flavors,
    reconcile_images,
    reconcile_keypairs,
    reconcile_server_ports,
    reconcile_servers,
    reconcile_servers_incremental,
    reconcile_servers_present,
)
from tenants.models import User

log = structlog.get_logger(__name__)

SERVERS = "servers"

# Lock TTLs, in seconds: each a little under the interval of the beat entry that takes it.
INCREMENTAL_LOCK_TTL = 9
SWEEP_LOCK_TTL = 270
# Follow-ups of a transitional server: after SERVER_FOLLOWUP_FIRST_SECONDS (2 s), then 1.5 times
# longer each time up to a minute, 20 in all (about 13 minutes); past that the periodic passes
# keep watching it.
FOLLOWUP_MAX_DELAY = 60.0
FOLLOWUP_MAX_ATTEMPTS = 20


def _follow_up(results: Mapping[str, SyncResult] | None) -> None:
    """Schedule follow-ups for the transitional servers a server pass observed."""
    servers = (results or {}).get(SERVERS)
    if isinstance(servers, ServerSyncResult):
        server_followup_schedule(ids=servers.transitional)


def _followup_key(server_id: str) -> str:
    return f"mirror:followup:server:{server_id}"


def _followup_delay(attempt: int) -> float:
    return float(min(settings.SERVER_FOLLOWUP_FIRST_SECONDS * 1.5**attempt, FOLLOWUP_MAX_DELAY))


def server_followup_schedule(*, ids: list[str] | tuple[str, ...], attempt: int = 0) -> list[str]:
    """Schedule one follow-up reconcile of these servers after a countdown; returns the ids
    scheduled. A server that already has a follow-up pending is skipped, so beat passes and
    operations that all see the same BUILD server start one chain of follow-ups, not many."""
    if not ids or attempt >= FOLLOWUP_MAX_ATTEMPTS:
        return []
    delay = _followup_delay(attempt)
    client = redis_client(decode=False)
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
    redis_client(decode=False).delete(*(_followup_key(server_id) for server_id in ids))
    try:
        result = reconcile_servers(conn=service_connection(), ids=ids)
    except CloudTransientError as exc:
        log.warning("mirror.followup_failed", ids=ids, attempt=attempt, error=str(exc))
        server_followup_schedule(ids=ids, attempt=attempt + 1)
        return
    server_followup_schedule(ids=result.transitional, attempt=attempt + 1)
    settled = Server.objects.filter(pk__in=ids).exclude(pk__in=result.transitional)
    try:
        reconcile_server_ports(
            conn=service_connection(), server_ids=list(settled.values_list("pk", flat=True))
        )
    except CloudTransientError as exc:  # the networking sweep brings them along later
        log.warning("mirror.server_ports_failed", ids=ids, error=str(exc))


@shared_task
def reconcile_servers_incremental_task(project_id: str | None = None) -> None:
    """Incremental server pass (Nova changes-since) of one project or all; skips when locked."""
    _follow_up(
        run_sweep(
            group=SERVERS,
            project_id=project_id,
            lock_ttl=INCREMENTAL_LOCK_TTL,
            sweep=lambda: {
                SERVERS: reconcile_servers_incremental(
                    conn=service_connection(), project_id=project_id
                )
            },
        )
    )


@shared_task
def reconcile_servers_task(project_id: str | None = None) -> None:
    """Sweep of the servers of one project or all, by their ids (`reconcile_servers_present`);
    skips when locked."""
    _follow_up(
        run_sweep(
            group=SERVERS,
            project_id=project_id,
            lock_ttl=SWEEP_LOCK_TTL,
            sweep=lambda: {
                SERVERS: reconcile_servers_present(conn=service_connection(), project_id=project_id)
            },
        )
    )


@shared_task
def reconcile_flavors_task() -> None:
    """Full sweep of flavors and their project grants; skips when locked."""
    run_sweep(
        group="flavors",
        lock_ttl=SWEEP_LOCK_TTL,
        sweep=lambda: {"flavors": reconcile_flavors(conn=service_connection())},
    )


@shared_task
def reconcile_images_task(project_id: str | None = None) -> None:
    """Full sweep of the images one project owns, or of all images; skips when locked."""
    run_sweep(
        group="images",
        project_id=project_id,
        lock_ttl=SWEEP_LOCK_TTL,
        sweep=lambda: {
            "images": reconcile_images(conn=service_connection(), project_id=project_id)
        },
    )


# Users whose key pairs beat's sweep reads each time: Nova lists key pairs per user only, so the
# sweep takes the users the dashboard knows in turn (by Keystone id, where the last one ended),
# a bounded number of calls however many have signed in; Nova's key pair notifications carry
# the changes meanwhile.
KEYPAIR_USERS_PER_SWEEP = 10
KEYPAIR_SWEEP_CURSOR = "mirror:keypairs:last-user"


def keypair_users_due(*, at_most: int) -> list[str]:
    """The next `at_most` users (Keystone ids) in turn after the last one swept, wrapping."""
    last = redis_client(decode=False).get(KEYPAIR_SWEEP_CURSOR) or b""
    last = last.decode() if isinstance(last, bytes) else last
    users = User.objects.order_by("keystone_id").values_list("keystone_id", flat=True)
    due = list(users.filter(keystone_id__gt=last)[:at_most])
    if len(due) < at_most:  # round again from the first, up to the ones already due
        due += [user for user in users[: at_most - len(due)] if user not in due]
    return due


@shared_task
def reconcile_keypairs_task() -> None:
    """Sweep of the key pairs of the next KEYPAIR_USERS_PER_SWEEP users who have signed in to
    the dashboard (pages show only the signed-in user's key pairs); skips when locked."""

    def sweep() -> Mapping[str, SyncResult]:
        conn = service_connection()
        user_ids = keypair_users_due(at_most=KEYPAIR_USERS_PER_SWEEP)
        result = sum(
            (reconcile_keypairs(conn=conn, user_id=user_id) for user_id in user_ids),
            SyncResult(),
        )
        if user_ids:
            redis_client(decode=False).set(KEYPAIR_SWEEP_CURSOR, user_ids[-1])
        return {"keypairs": result}

    run_sweep(group="keypairs", lock_ttl=SWEEP_LOCK_TTL, sweep=sweep)
