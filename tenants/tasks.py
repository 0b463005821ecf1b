"""Periodic work of the tenants app: expired sessions, and mirroring projects and quotas."""

from importlib import import_module

from celery import shared_task
from django.conf import settings

from dashboard.cloud.connection import service_connection
from dashboard.mirror.sweep import run_sweep
from tenants.reconcile import reconcile_projects, reconcile_quotas

# Seconds a sweep may hold its lock: shorter than beat's five-minute interval for it.
SWEEP_LOCK_TTL = 270


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
def reconcile_quotas_task(project_id: str | None = None) -> None:
    """Compute and network quotas with usage of one project or all; skips when locked."""
    run_sweep(
        group="quotas",
        project_id=project_id,
        lock_ttl=SWEEP_LOCK_TTL,
        sweep=lambda: {
            "quotas": reconcile_quotas(conn=service_connection(), project_id=project_id)
        },
    )
