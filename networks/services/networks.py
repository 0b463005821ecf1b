"""Create, edit and delete networks (a new network may bring its first subnet)."""

from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, CloudError, CloudPermanentError, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from networks.reconcile import reconcile_networks
from networks.services.common import NEUTRON, create_once
from networks.services.in_use import naming_ports_in_use
from networks.services.subnets import subnet_create


@operation_service
def network_create(
    *,
    conn: Connection,
    operation: Operation,
    name: str,
    description: str = "",
    attributes: dict[str, Any] | None = None,
    subnet: dict[str, Any] | None = None,
) -> None:
    """Create the network in the operation's project (once, even when retried), then its first
    subnet when asked; a subnet Neutron refuses takes the network away again. Mirror both."""
    doing = Message(gettext_noop("create network “%(name)s”"), {"name": name})
    with translated(doing=doing, service=NEUTRON):
        network = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.networks,
            create=lambda marker: conn.network.create_network(
                name=name, description=marker, **(attributes or {})
            ),
            describe=lambda made: conn.network.update_network(made, description=description),
            description=description,
        )
    reconcile_networks(conn=service_connection(), ids=[network.id])
    if subnet is None:
        return
    try:
        subnet_create(
            conn=conn,
            operation=operation,
            network_id=network.id,
            attributes=subnet,
            record_result=False,
        )
    except CloudPermanentError as refused:
        raise _without_the_network(refused, conn=conn, network_id=network.id, name=name) from None


def _without_the_network(
    refused: CloudPermanentError, *, conn: Connection, network_id: str, name: str
) -> CloudPermanentError:
    """Delete the network whose first subnet Neutron refused; the error then says what exists."""
    try:
        doing = Message(gettext_noop("delete network “%(name)s” again"), {"name": name})
        with translated(doing=doing, service=NEUTRON):
            conn.network.delete_network(network_id, ignore_missing=True)
    except CloudError:
        outcome = gettext_noop(
            # Translators: %(failure)s is the sentence saying why the subnet was refused.
            "Network “%(name)s” was created but its subnet was not, and it could not be deleted "
            "again: add a subnet to it from its page, or delete it. %(failure)s"
        )
    else:
        outcome = gettext_noop(
            # Translators: %(failure)s is the sentence saying why the subnet was refused.
            "Nothing was created: network “%(name)s” was deleted again as its subnet failed. "
            "%(failure)s"
        )
    reconcile_networks(conn=service_connection(), ids=[network_id])
    return type(refused)(
        Message(outcome, {"name": name, "failure": refused.message}),
        status_code=refused.status_code,
        request_id=refused.request_id,
        error_type=refused.error_type,
    )


@operation_service
def network_update(
    *,
    conn: Connection,
    operation: Operation,
    network_id: str,
    changes: dict[str, Any],
    revision_number: int | None = None,
) -> None:
    """Change the network's attributes, unless someone changed it since the page showed it."""
    doing = Message(gettext_noop("edit network “%(name)s”"), {"name": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.update_network(network_id, if_revision=revision_number, **changes)
    reconcile_networks(conn=service_connection(), ids=[network_id])


@operation_service
def network_delete(*, conn: Connection, operation: Operation, network_id: str) -> None:
    """Delete the network (already gone counts as done); remove it from the mirror. Ports that
    keep it in use are named."""
    doing = Message(gettext_noop("delete network “%(name)s”"), {"name": operation.target_label})
    try:
        with translated(doing=doing, service=NEUTRON):
            conn.network.delete_network(network_id, ignore_missing=True)
    except CloudConflict as conflict:
        raise naming_ports_in_use(
            conflict, doing=doing, project_id=operation.project_id, network_id=network_id
        ) from conflict
    reconcile_networks(conn=service_connection(), ids=[network_id])
