"""Beat's entry points for mirroring Neutron: thin wrappers around `networks.reconcile`."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from dashboard.cloud.connection import service_connection
from dashboard.mirror.sweep import run_sweep
from networks.reconcile import reconcile_all

GROUP = "networking"
# How often beat sweeps (settings.CELERY_BEAT_SCHEDULE); pages call the mirror late after 3 misses.
SWEEP_INTERVAL = timedelta(seconds=settings.NETWORKING_SWEEP_SECONDS)
# Seconds a sweep may hold its lock: shorter than the interval.
SWEEP_LOCK_TTL = int(settings.NETWORKING_SWEEP_SECONDS) - 5
# What networking lists report as their freshness (`ObjectListView.freshness`).
FRESHNESS = (GROUP, SWEEP_INTERVAL)


@shared_task(ignore_result=True)
def reconcile_networking_task(project_id: str | None = None) -> None:
    """Full sweep of networking into the mirror; returns at once while another sweep runs."""
    run_sweep(
        group=GROUP,
        project_id=project_id,
        lock_ttl=SWEEP_LOCK_TTL,
        sweep=lambda: reconcile_all(conn=service_connection(), project_id=project_id),
    )
