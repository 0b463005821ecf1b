"""Time limits and countdowns across the apps' tasks fit the broker's redelivery timeout."""

from django.conf import settings as django_settings

from dashboard.operations.tasks import run_operation_task
from instances.tasks import FOLLOWUP_MAX_DELAY


def test_beat_never_fails_an_operation_the_broker_may_still_redeliver() -> None:
    """A killed worker's message comes back after the visibility timeout; the rerun may take its
    time limit. Every countdown a task is sent with, plus a time limit, fits in that timeout."""
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = (django_settings.CELERY_TASK_TIME_LIMIT, django_settings.OPERATION_TIME_LIMIT)
    countdowns = (django_settings.OPERATION_RETRY_BACKOFF_MAX, FOLLOWUP_MAX_DELAY)

    assert max(limits) + max(countdowns) < visibility <= 15 * 60
    soft, hard = run_operation_task.soft_time_limit, run_operation_task.time_limit
    assert (soft, hard) == (
        django_settings.OPERATION_SOFT_TIME_LIMIT,
        django_settings.OPERATION_TIME_LIMIT,
    )
    assert soft is not None
    assert hard is not None
    assert soft < hard
    assert visibility + hard < django_settings.OPERATION_STUCK_AFTER
