"""The one task that runs every operation, and beat's sweep of stuck ones.

The task receives only the operation's id. It claims the row (so a redelivered or duplicated
message runs it at most once to the end), acts with the user's token from Redis, retries
transient faults with backoff and jitter, and records how the operation ended.
"""

import random
from typing import Any

import structlog
from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings

from dashboard.cloud.connection import user_connection
from dashboard.cloud.errors import CloudError, CloudTransientError, could_not
from dashboard.i18n import Message, gettext_noop, ngettext_noop
from dashboard.operations import credentials
from dashboard.operations.models import Operation
from dashboard.operations.registry import run_action
from dashboard.operations.services import (
    operation_claim,
    operation_fail,
    operation_succeed,
    operations_fail_stuck,
)

log = structlog.get_logger(__name__)

SIGNED_OUT = Message(
    gettext_noop(
        "Your sign-in ended before this operation could run, so it was not attempted. "
        "Sign in again and retry."
    )
)
CRASHED = Message(
    gettext_noop(
        "The dashboard failed unexpectedly while running this operation; the cloud may or may "
        "not have made the change. Check the object's page, then retry."
    )
)


def _duration(seconds: float) -> Message:
    whole = round(seconds)
    if whole >= 60 and whole % 60 == 0:
        return Message.plural(
            ngettext_noop("%(count)s minute", "%(count)s minutes"), count=whole // 60
        )
    return Message.plural(ngettext_noop("%(count)s second", "%(count)s seconds"), count=whole)


def too_slow(operation: Operation, *, limit: float) -> Message:
    """The message of an operation interrupted at its time limit (`limit` seconds)."""
    why = gettext_noop(
        "the cloud had not finished it after %(duration)s, the longest an operation may take, "
        "so the dashboard stopped waiting; the cloud may be overloaded. It may or may not have "
        "made the change: check the object's page, then try again if the change is not there"
    )
    return could_not(
        operation.description_message.lowered(), Message(why, {"duration": _duration(limit)})
    )


class OperationTask(DjangoTask[Any, Any]):
    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo | None,
    ) -> None:
        """The hard time limit: the pool killed the process running the operation (it did not
        stop at the soft limit); the worker's main process records why the operation ended."""
        if not isinstance(exc, TimeLimitExceeded):
            return
        operation_id = str(args[0] if args else kwargs["operation_id"])
        operation = Operation.objects.filter(pk=operation_id).first()
        if operation is not None:
            limit = float(exc.args[0]) if exc.args else float(self.time_limit or 0)
            log.error("operation.killed_at_time_limit", operation=operation_id, limit=limit)
            operation_fail(operation=operation, error=too_slow(operation, limit=limit))


@shared_task(
    bind=True,
    base=OperationTask,
    acks_late=True,
    soft_time_limit=settings.OPERATION_SOFT_TIME_LIMIT,
    time_limit=settings.OPERATION_TIME_LIMIT,
)
def run_operation_task(self: Task[Any, Any], operation_id: str) -> None:
    """Run the operation once to the end; harmless when delivered twice."""
    operation = operation_claim(
        operation_id=operation_id, task_id=str(self.request.id), retries=self.request.retries
    )
    if operation is None:
        return
    structlog.contextvars.bind_contextvars(operation=operation_id, action=operation.action)
    try:
        token = credentials.token_fetch(operation_id=operation.id)
        if token is None:
            operation_fail(operation=operation, error=SIGNED_OUT)
            return
        run_action(
            operation=operation,
            conn=user_connection(token=token, project_id=operation.scope_project_id),
        )
    except CloudTransientError as exc:
        max_retries = settings.OPERATION_MAX_RETRIES
        if self.request.retries >= max_retries:
            operation_fail(operation=operation, error=exc)
            return
        log.warning("operation.retrying", error=str(exc), attempt=self.request.retries + 1)
        raise self.retry(
            exc=exc, countdown=_backoff(self.request.retries), max_retries=max_retries
        ) from exc
    except CloudError as exc:
        operation_fail(operation=operation, error=exc)
    except SoftTimeLimitExceeded:
        # The limits travel in the message (set by the sender), else the task's own.
        limit = float(getattr(self.request, "soft_time_limit", None) or self.soft_time_limit or 0)
        log.warning("operation.time_limit", limit=limit)
        operation_fail(operation=operation, error=too_slow(operation, limit=limit))
    except Exception:
        log.exception("operation.crashed")
        operation_fail(operation=operation, error=CRASHED)
    else:
        operation_succeed(operation=operation)
    finally:
        structlog.contextvars.unbind_contextvars("operation", "action")


def _backoff(retries: int) -> float:
    """Exponential backoff with full jitter: by default up to 1, 2, 4, 8, 16 s (see settings)."""
    ceiling = settings.OPERATION_RETRY_BACKOFF * 2**retries
    return random.uniform(0, min(ceiling, settings.OPERATION_RETRY_BACKOFF_MAX))


@shared_task
def fail_stuck_operations_task() -> None:
    """Fail operations that no worker finished within the time limit."""
    if count := operations_fail_stuck():
        log.warning("operation.stuck_failed", count=count)
