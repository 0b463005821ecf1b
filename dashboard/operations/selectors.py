"""Reads of operations, always scoped to a project (or to all projects for admins)."""

from uuid import UUID

from django.db.models import QuerySet

from dashboard.operations.models import Operation


def operation_list(*, project_id: str | None) -> QuerySet[Operation]:
    """The project's operations, newest first; every project's when `project_id` is None."""
    operations = Operation.objects.all()
    return operations if project_id is None else operations.filter(project_id=project_id)


def operation_get(*, operation_id: UUID | str, project_id: str | None) -> Operation | None:
    """The operation if it belongs to the project (any project when None), else None."""
    return operation_list(project_id=project_id).filter(pk=operation_id).first()


def operation_deleted(*, project_id: str, target_id: str) -> Operation | None:
    """The project's operation that deleted `target_id` (or is finishing doing so: the mirror
    follows the cloud before the operation ends), if the dashboard deleted it."""
    return (
        operation_list(project_id=project_id)
        .filter(target_id=target_id, action__endswith="_delete")
        .exclude(status=Operation.Status.FAILED)
        .first()
    )
