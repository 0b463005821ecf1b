"""Starting, claiming and ending operations. Nothing here calls the cloud."""

import json
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard.cloud.errors import CloudError
from dashboard.i18n import Message, ngettext_noop
from dashboard.mirror.live import mirror_changed
from dashboard.mirror.scopes import project_scope
from dashboard.operations import credentials
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest

log = structlog.get_logger(__name__)

Status = Operation.Status


class OperationRefused(ValidationError):
    """A change that cannot be made now; the message says why and what to do.

    The one refusal of every app: a form's `clean()` raises it for what the mirror shows cannot
    work ("still has interfaces"), and `operation_start` for another operation still running on
    the target. Pages show the message; the API answers 409 with it as `detail`.
    """

    code = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, code=self.code)

    def __str__(self) -> str:
        return str(self.message)


class Actor(Protocol):
    """Who starts an operation: a signed-in user's Keystone session (the token stays here)."""

    user_id: str
    user_name: str
    project_id: str
    token: str
    expires_at: datetime


def operation_start(
    *, actor: Actor, request: OperationRequest, project_id: str | None = None
) -> Operation:
    """Record the operation and send its task once the transaction commits.

    It is recorded in the actor's project, or in `project_id` when an admin's (or the try-out
    cloud's account's) token acts on another project: that project's Activity shows it, and the
    worker's connection stays scoped to the actor's project.

    Raises OperationRefused while another operation on the same target is unfinished, or when
    its params are larger than settings.OPERATION_MAX_PARAMS_BYTES as JSON; UnknownAction or
    TypeError (programming errors) when the request names no registered service or params the
    service does not take, before anything is written.
    """
    action = request.action
    request.check()
    params = dict(request.params)
    target_type, target_id, target_name = (
        request.target_type,
        request.target_id,
        request.target_name,
    )
    size = len(json.dumps(params, ensure_ascii=False).encode())
    if size > settings.OPERATION_MAX_PARAMS_BYTES:
        raise OperationRefused(
            _(
                "This change carries %(size)s KiB of values, more than the %(limit)s KiB an "
                "operation keeps: shorten the longest fields (user data, metadata, lists) and "
                "try again."
            )
            % {"size": size // 1024, "limit": settings.OPERATION_MAX_PARAMS_BYTES // 1024}
        )
    try:
        with transaction.atomic():
            operation = Operation.objects.create(
                action=action,
                description_json=request.description.as_json(),
                target_type=target_type,
                target_id=target_id,
                target_name=target_name,
                project_id=project_id or actor.project_id,
                acting_project_id=(
                    actor.project_id if project_id and project_id != actor.project_id else ""
                ),
                user_id=actor.user_id,
                user_name=actor.user_name,
                params=params,
            )
    except IntegrityError:
        raise OperationRefused(
            # Translators: %(type)s is the object's type as the code names it (router, port).
            _(
                "An operation on %(type)s “%(name)s” is already running; wait for it to finish, "
                "then try again."
            )
            % {"type": target_type, "name": target_name or target_id}
        ) from None
    credentials.token_store(
        operation_id=operation.id, token=actor.token, expires_at=actor.expires_at
    )
    from dashboard.operations.tasks import run_operation_task

    run_operation_task.apply_async_on_commit((str(operation.id),), task_id=str(operation.task_id))
    log.info("operation.started", operation=str(operation.id), action=action, target=target_id)
    return operation


def _shown(operation: Operation) -> None:
    """Open Activity pages of the operation's project show its new state (`dashboard.mirror.live`):
    from its claim on, which follows its start within moments while workers run."""
    mirror_changed(scopes={project_scope(operation.project_id)})


def operation_claim(*, operation_id: str, task_id: str, retries: int = 0) -> Operation | None:
    """Mark the operation running for this task's delivery (`retries`: the task's retries so
    far); None when finished, not this task's, or running under another claim.

    A broker may hand one message out twice at once (Redis puts a worker's unacknowledged
    messages back when its connection drops, while its pool still runs them): only the first
    copy claims a pending operation. A running one is claimed again by the task's next retry,
    or once its claim is older than settings.OPERATION_CLAIM_LEASE, past which the hard time
    limit has ended the run that held it (a killed worker's message, redelivered).
    """
    now = timezone.now()
    claimable = Q(status=Status.PENDING) | Q(
        Q(claimed_retries__lt=retries)
        | Q(claimed_at__lt=now - timedelta(seconds=settings.OPERATION_CLAIM_LEASE)),
        status=Status.RUNNING,
    )
    claimed = Operation.objects.filter(claimable, pk=operation_id, task_id=task_id).update(
        status=Status.RUNNING,
        started_at=Coalesce(F("started_at"), now),
        claimed_at=now,
        claimed_retries=retries,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    operation = Operation.objects.get(pk=operation_id)
    _shown(operation)
    return operation


def operation_record_result(*, operation: Operation, result_id: str) -> None:
    """Save the id of the object the operation created, as soon as the cloud returned it."""
    operation.result_id = result_id
    operation.target_id = operation.target_id or result_id
    operation.save(update_fields=["result_id", "target_id"])


def _finish(*, operation: Operation, status: str, **fields: Any) -> None:
    if Operation.objects.filter(pk=operation.pk, status__in=Operation.UNFINISHED).update(
        status=status, finished_at=timezone.now(), params=operation.shown_params, **fields
    ):
        _shown(operation)
    credentials.token_forget(operation_id=operation.id)
    log.info("operation.finished", operation=str(operation.id), status=status, **fields)


def operation_succeed(*, operation: Operation) -> None:
    _finish(operation=operation, status=Status.SUCCEEDED)


def operation_fail(*, operation: Operation, error: CloudError | Message) -> None:
    """End the operation as failed, with a message that says what failed, why, what to do; it
    is kept as a Message, read in each reader's language."""
    if isinstance(error, CloudError):
        _finish(
            operation=operation,
            status=Status.FAILED,
            failure_json=error.message.as_json(),
            request_id=error.request_id or "",
        )
    else:
        _finish(operation=operation, status=Status.FAILED, failure_json=error.as_json())


def operations_fail_stuck(*, older_than: timedelta | None = None) -> int:
    """Fail operations still unfinished this long after they started (OPERATION_STUCK_AFTER,
    past any redelivery of a killed worker's task); returns how many."""
    limit = older_than or timedelta(seconds=settings.OPERATION_STUCK_AFTER)
    stuck = list(
        Operation.objects.filter(
            status__in=Operation.UNFINISHED, created_at__lt=timezone.now() - limit
        )
    )
    minutes = int(limit.total_seconds() // 60)
    for operation in stuck:
        if operation.attempts == 0:
            error = ngettext_noop(
                "No worker picked this operation up within %(count)s minute, so the cloud was "
                "never asked to make the change. Try again; if this happens again, ask the "
                "dashboard's operators to check that its workers are running.",
                "No worker picked this operation up within %(count)s minutes, so the cloud was "
                "never asked to make the change. Try again; if this happens again, ask the "
                "dashboard's operators to check that its workers are running.",
            )
        else:
            error = ngettext_noop(
                "A worker started this operation but none finished it within %(count)s minute "
                "(the worker was probably stopped while running it), so the dashboard cannot "
                "tell whether the cloud made the change. Check the object's current state on "
                "its page, then try again if the change is not there.",
                "A worker started this operation but none finished it within %(count)s minutes "
                "(the worker was probably stopped while running it), so the dashboard cannot "
                "tell whether the cloud made the change. Check the object's current state on "
                "its page, then try again if the change is not there.",
            )
        operation_fail(operation=operation, error=Message.plural(error, count=minutes))
    return len(stuck)
