"""What every networking service shares: the operation's tag, and finding its object again."""

from collections.abc import Callable, Iterable
from typing import Any

from dashboard.cloud.connection import Connection
from dashboard.operations.models import Operation
from dashboard.operations.services import operation_record_result

NEUTRON = "Neutron"


def operation_tag(operation: Operation) -> str:
    """The Neutron tag that marks an object as made by this operation."""
    return f"op-{operation.pk}"


def create_once(
    *,
    conn: Connection,
    operation: Operation,
    find: Callable[..., Iterable[Any]],
    create: Callable[[str], Any],
    describe: Callable[[Any], Any],
    description: str,
    record_result: bool = True,
) -> Any:
    """Create the operation's object unless an earlier attempt already did; idempotent.

    Neutron refuses `tags` in most create requests, so the object is created with the operation's
    tag as its description, the one field a create can carry that a search can find; then it is
    recorded, tagged and given its real description. A rerun after a crash at any point finds it.
    An operation that makes a second object (a network's first subnet) passes `record_result=False`
    for it: the operation's result stays the first object.
    """
    tag = operation_tag(operation)
    made = next(iter(find(tags=tag)), None)
    if made is None and operation.result_id and record_result:
        made = next(iter(find(id=operation.result_id)), None)
    if made is None:
        made = next(iter(find(description=tag)), None)
    if made is None:
        made = create(tag)
    if record_result and operation.result_id != made.id:
        operation_record_result(operation=operation, result_id=made.id)
    if tag not in (made.tags or []):
        made = conn.network.set_tags(made, [*(made.tags or []), tag])
    if made.description != description:
        made = describe(made)
    return made
