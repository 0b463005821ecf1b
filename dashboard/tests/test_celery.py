"""Beat's start: the whole schedule is sent once, so a new mirror fills at once."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings

from dashboard.celery import app, run_schedule_once_at_start


def test_beat_sends_every_scheduled_task_once_as_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def send_task(name: str, **options: Any) -> str:
        sent.append((name, options))
        return f"sent {name}"

    monkeypatch.setattr(app, "send_task", send_task)

    results: list[object] = list(run_schedule_once_at_start(sender=SimpleNamespace(app=app)))

    scheduled = [str(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert sorted(name for name, _ in sent) == sorted(scheduled)
    assert results == [f"sent {name}" for name in scheduled]  # what it sent, for bench/cold_start
    assert ("instances.tasks.reconcile_images_task", {"kwargs": {}, "expires": 300}) in sent
    # As beat sends it: a few projects' compute quotas, not every project's each time.
    assert (
        "tenants.tasks.reconcile_quotas_task",
        {"kwargs": {"rolling": True}, "expires": settings.QUOTA_SWEEP_SECONDS},
    ) in sent
