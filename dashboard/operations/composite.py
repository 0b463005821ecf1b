"""Composite operations: one operation made of steps, each with its undo.

A service builds its steps and hands them to `composite_run`. Each step's result (what it made:
an id, a few ids) is saved on the operation (`Operation.steps`) as soon as the step ends, so a
retry after a transient fault continues with the next step instead of making a twin. When a step
fails for good (the cloud refused it, the last attempt failed, or the dashboard crashed), the
steps that finished are undone in reverse order and forgotten: nothing half-made stays, and the
error is raised as it was.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings

from dashboard.cloud.errors import CloudTransientError
from dashboard.operations.models import Operation

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Step:
    """One step: `do(done)` makes its part, given the results of the steps before it by name,
    and returns its own result (JSON); `undo(result)` removes that part again (None: nothing to
    remove). Both are idempotent: a step's part already there, or already gone, is done."""

    name: str
    do: Callable[[Mapping[str, Any]], Any]
    undo: Callable[[Any], None] | None = None


def will_retry(error: Exception, operation: Operation) -> bool:
    """Whether the task tries the operation again after `error` (a transient fault before its
    last attempt): then what was made stays, for the next attempt to continue."""
    return isinstance(error, CloudTransientError) and (
        operation.attempts <= settings.OPERATION_MAX_RETRIES
    )


def _save(operation: Operation, done: dict[str, Any]) -> None:
    operation.steps = done
    Operation.objects.filter(pk=operation.pk).update(steps=done)


def composite_undo(*, operation: Operation, steps: Sequence[Step]) -> None:
    """Undo the operation's finished steps, last first, and forget them. A failing undo is
    logged and the others still run."""
    done: dict[str, Any] = dict(operation.steps)
    for step in reversed(steps):
        if step.name not in done:
            continue
        result = done.pop(step.name)
        if step.undo is not None:
            try:
                step.undo(result)
            except Exception:
                log.exception("composite.undo_failed", operation=str(operation.pk), step=step.name)
        _save(operation, done)


def composite_run(*, operation: Operation, steps: Sequence[Step]) -> dict[str, Any]:
    """Run the steps an earlier attempt did not finish, in order, and return every step's
    result by name. Raises what a step raised, after undoing the finished steps unless the
    operation will be retried."""
    names = [step.name for step in steps]
    assert len(set(names)) == len(names), "each step has its own name"
    done: dict[str, Any] = dict(operation.steps)
    for step in steps:
        if step.name in done:
            continue
        try:
            result = step.do(done)
        except Exception as exc:
            if not will_retry(exc, operation):
                log.warning("composite.undoing", operation=str(operation.pk), failed=step.name)
                composite_undo(operation=operation, steps=steps)
            raise
        done[step.name] = result
        _save(operation, done)
    return done
