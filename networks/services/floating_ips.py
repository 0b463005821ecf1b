"""Allocate, associate, disassociate and release floating IPs; add and remove port forwardings."""

from typing import Any

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import translated
from dashboard.operations.models import Operation
from networks.reconcile import reconcile_floating_ips, reconcile_port_forwardings
from networks.services.common import NEUTRON, create_once


def floating_ip_create(
    *,
    conn: Any,
    operation: Operation,
    floating_network_id: str,
    description: str = "",
    subnet_id: str = "",
    floating_ip_address: str = "",
) -> None:
    """Allocate a floating IP from the external network, from one of its subnets or at one
    address when asked (once, even when retried); mirror it."""
    choices: dict[str, str] = {}
    if subnet_id:
        choices["subnet_id"] = subnet_id
    if floating_ip_address:
        choices["floating_ip_address"] = floating_ip_address
    doing = (
        f"allocate floating IP {floating_ip_address}"
        if floating_ip_address
        else ("allocate a floating IP")
    )
    with translated(doing=doing, service=NEUTRON):
        floating_ip = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.ips,
            create=lambda marker: conn.network.create_ip(
                floating_network_id=floating_network_id, description=marker, **choices
            ),
            describe=lambda made: conn.network.update_ip(made, description=description),
            description=description,
        )
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip.id])


def floating_ip_associate(
    *,
    conn: Any,
    operation: Operation,
    floating_ip_id: str,
    port_id: str,
    fixed_ip_address: str,
    port_name: str = "",
) -> None:
    """Map the floating IP to the port's address (already mapped there counts as done); mirror
    the floating IP and the port."""
    doing = (
        f"associate floating IP {operation.target_label} to port “{port_name or port_id}” "
        f"({fixed_ip_address})"
    )
    with translated(doing=doing, service=NEUTRON):
        current = conn.network.get_ip(floating_ip_id)
        if (current.port_id, current.fixed_ip_address) != (port_id, fixed_ip_address):
            conn.network.update_ip(
                floating_ip_id, port_id=port_id, fixed_ip_address=fixed_ip_address
            )
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip_id])


def floating_ip_disassociate(*, conn: Any, operation: Operation, floating_ip_id: str) -> None:
    """Unmap the floating IP from its port (already unmapped counts as done); mirror it."""
    with translated(doing=f"disassociate floating IP {operation.target_label}", service=NEUTRON):
        if conn.network.get_ip(floating_ip_id).port_id:
            conn.network.update_ip(floating_ip_id, port_id=None)
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip_id])


def floating_ip_delete(*, conn: Any, operation: Operation, floating_ip_id: str) -> None:
    """Release the floating IP (already released counts as done); remove it, and its port
    forwardings, from the mirror."""
    with translated(doing=f"release floating IP {operation.target_label}", service=NEUTRON):
        conn.network.delete_ip(floating_ip_id, ignore_missing=True)
    admin = service_connection()
    reconcile_floating_ips(conn=admin, ids=[floating_ip_id])
    reconcile_port_forwardings(conn=admin, floating_ip_ids=[floating_ip_id])


def port_forwarding_create(
    *,
    conn: Any,
    operation: Operation,
    floating_ip_id: str,
    protocol: str,
    internal_port_id: str,
    internal_ip_address: str,
    internal_port: int,
    external_port: int,
    description: str = "",
) -> None:
    """Forward the floating IP's external port to a port's internal address and port (once,
    even when retried: the rule is found by its external port); mirror it."""
    doing = (
        f"forward {protocol} port {external_port} of floating IP {operation.target_label} "
        f"to {internal_ip_address}:{internal_port}"
    )
    with translated(doing=doing, service=NEUTRON):
        existing = conn.network.port_forwardings(
            floating_ip_id, protocol=protocol, external_port=external_port
        )
        made = next(iter(existing), None)
        if made is None:
            made = conn.network.create_port_forwarding(
                floatingip_id=floating_ip_id,
                protocol=protocol,
                internal_port_id=internal_port_id,
                internal_ip_address=internal_ip_address,
                internal_port=internal_port,
                external_port=external_port,
                description=description,
            )
    reconcile_port_forwardings(conn=service_connection(), floating_ip_ids=[floating_ip_id])


def port_forwarding_delete(
    *, conn: Any, operation: Operation, floating_ip_id: str, port_forwarding_id: str
) -> None:
    """Delete the port forwarding (already gone counts as done); mirror the floating IP's rules."""
    with translated(
        doing=f"delete a port forwarding of floating IP {operation.target_label}", service=NEUTRON
    ):
        conn.network.delete_port_forwarding(port_forwarding_id, floating_ip_id, ignore_missing=True)
    reconcile_port_forwardings(conn=service_connection(), floating_ip_ids=[floating_ip_id])


ACTIONS = {
    "networks.floating_ip_create": floating_ip_create,
    "networks.floating_ip_associate": floating_ip_associate,
    "networks.floating_ip_disassociate": floating_ip_disassociate,
    "networks.floating_ip_delete": floating_ip_delete,
    "networks.port_forwarding_create": port_forwarding_create,
    "networks.port_forwarding_delete": port_forwarding_delete,
}
