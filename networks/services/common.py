"""What every networking service shares: the operation's tag, and finding its object again."""

from collections.abc import Callable, Iterable
from typing import Any

from dashboard.operations.models import Operation
from dashboard.operations.services import operation_record_result

NEUTRON = "Neutron"


def operation_tag(operation: Operation) -> str:
    """The Neutron tag that marks an object as made by this operation."""
    return f"op-{operation.pk}"


def create_once(
    *,
    conn: Any,
    operation: Operation,
    find: Callable[..., Iterable[Any]],
    create: Callable[[], Any],
) -> Any:
    """Create the operation's object unless an earlier attempt already did; idempotent.

    Neutron refuses `tags` in a create request here, so the object is tagged right after it is
    created and its id is saved on the operation at once: a retry finds it by either.
    """
    tag = operation_tag(operation)
    made_before = next(iter(find(tags=tag)), None)
    if made_before is None and operation.result_id:
        made_before = next(iter(find(id=operation.result_id)), None)
    if made_before is not None:
        return made_before
    created = create()
    operation_record_result(operation=operation, result_id=created.id)
    conn.network.set_tags(created, [tag])
    return created
