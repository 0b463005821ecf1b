"""The Celery app: Redis broker, settings from `CELERY_*` names, a static beat schedule."""

import os
from typing import Any

from celery import Celery
from celery.result import AsyncResult
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

app = Celery("dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def run_schedule_once_at_start(sender: Any, **kwargs: Any) -> list[AsyncResult[Any]]:
    """Send every scheduled task once as beat starts: an interval task first runs one interval
    later, so a new mirror (or one left behind while beat was down) would wait minutes for its
    images, flavors and quotas. Each is sent as beat schedules it (its arguments, its expiry);
    every scheduled task is idempotent and locked per group. Returns the tasks sent
    (bench/cold_start.py waits for them)."""
    return [
        sender.app.send_task(
            entry["task"], kwargs=entry.get("kwargs", {}), **entry.get("options", {})
        )
        for entry in sender.app.conf.beat_schedule.values()
    ]
