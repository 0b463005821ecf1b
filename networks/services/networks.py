"""Create and delete networks."""

from typing import Any

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import translated
from dashboard.operations.models import Operation
from networks.reconcile import reconcile_networks
from networks.services.common import NEUTRON, create_once


def network_create(
    *,
    conn: Any,
    operation: Operation,
    name: str,
    admin_state_up: bool = True,
    description: str = "",
) -> None:
    """Create the network in the operation's project (once, even when retried); mirror it."""
    with translated(doing=f"create network “{name}”", service=NEUTRON):
        network = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.networks,
            create=lambda marker: conn.network.create_network(
                name=name, admin_state_up=admin_state_up, description=marker
            ),
            describe=lambda made: conn.network.update_network(made, description=description),
            description=description,
        )
    reconcile_networks(conn=service_connection(), ids=[network.id])


def network_delete(*, conn: Any, operation: Operation, network_id: str) -> None:
    """Delete the network (already gone counts as done); remove it from the mirror."""
    with translated(doing=f"delete network “{operation.target_label}”", service=NEUTRON):
        conn.network.delete_network(network_id, ignore_missing=True)
    reconcile_networks(conn=service_connection(), ids=[network_id])


ACTIONS = {
    "networks.network_create": network_create,
    "networks.network_delete": network_delete,
}
