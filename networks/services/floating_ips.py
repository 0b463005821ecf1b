"""Allocate and release floating IPs."""

from typing import Any

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import translated
from dashboard.operations.models import Operation
from networks.reconcile import reconcile_floating_ips
from networks.services.common import NEUTRON, create_once


def floating_ip_create(
    *, conn: Any, operation: Operation, floating_network_id: str, description: str = ""
) -> None:
    """Allocate a floating IP from the external network (once, even when retried); mirror it."""
    with translated(doing="allocate a floating IP", service=NEUTRON):
        floating_ip = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.ips,
            create=lambda marker: conn.network.create_ip(
                floating_network_id=floating_network_id, description=marker
            ),
            describe=lambda made: conn.network.update_ip(made, description=description),
            description=description,
        )
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip.id])


def floating_ip_delete(*, conn: Any, operation: Operation, floating_ip_id: str) -> None:
    """Release the floating IP (already released counts as done); remove it from the mirror."""
    with translated(doing=f"release floating IP {operation.target_label}", service=NEUTRON):
        conn.network.delete_ip(floating_ip_id, ignore_missing=True)
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip_id])


ACTIONS = {
    "networks.floating_ip_create": floating_ip_create,
    "networks.floating_ip_delete": floating_ip_delete,
}
