"""Allocate, associate, disassociate and release floating IPs; add and remove port forwardings.

Associating and disassociating serve a floating IP's page and a server's page alike. A floating
IP mapped to or from an address of a port also changes what the port's device shows (a server's
addresses in Nova): the app that owns such devices registers what follows for them
(`follows_port_devices`), as networks imports no app above it.
"""

from collections.abc import Callable
from typing import Any, Protocol

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, could_not, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from networks.reconcile import reconcile_floating_ips, reconcile_port_forwardings
from networks.services.common import NEUTRON, create_once


class PortDeviceFollower(Protocol):
    """What follows for the device using a port (a server) once a floating IP is mapped to one
    of its addresses (`mapped`) or from it: Neutron tells the device's service, which shows it
    a moment later."""

    def __call__(
        self, *, conn: Connection, device_id: str, floating_ip_address: str, mapped: bool
    ) -> None: ...


_port_device_followers: dict[str, PortDeviceFollower] = {}


def follows_port_devices(
    device_owner_prefix: str,
) -> Callable[[PortDeviceFollower], PortDeviceFollower]:
    """Register a follower for the devices whose ports' `device_owner` starts with
    `device_owner_prefix` (a decorator: "compute:" for Nova's servers)."""

    def register(follower: PortDeviceFollower) -> PortDeviceFollower:
        _port_device_followers[device_owner_prefix] = follower
        return follower

    return register


def _follow_device(*, conn: Connection, port: Any, floating_ip_address: str, mapped: bool) -> None:
    owner = port.device_owner or ""
    for prefix, follower in _port_device_followers.items():
        if port.device_id and owner.startswith(prefix):
            follower(
                conn=conn,
                device_id=port.device_id,
                floating_ip_address=floating_ip_address,
                mapped=mapped,
            )


def _doing(operation: Operation) -> Message:
    """What the operation does, as the page that started it described it (a floating IP's page
    names the port, a server's page the server): "associate floating IP ... to ..."."""
    return operation.description_message.lowered()


@operation_service
def floating_ip_create(
    *,
    conn: Connection,
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
    if floating_ip_address:
        doing = Message(
            gettext_noop("allocate floating IP %(address)s"), {"address": floating_ip_address}
        )
    else:
        doing = Message(gettext_noop("allocate a floating IP"))
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


@operation_service
def floating_ip_associate(
    *,
    conn: Connection,
    operation: Operation,
    port_id: str,
    fixed_ip_address: str,
    floating_ip_id: str = "",
    floating_network_id: str = "",
    port_name: str = "",
) -> None:
    """Map a floating IP to the port's address: `floating_ip_id` (already mapped there counts as
    done; mapped elsewhere, or changed since it was read, fails), or one allocated from
    `floating_network_id` onto it (once, even when retried); mirror it and its port's device."""
    doing = _doing(operation)
    with translated(doing=doing, service=NEUTRON):
        if floating_ip_id:
            floating_ip = conn.network.get_ip(floating_ip_id)
            if floating_ip.port_id not in (None, port_id):
                why = gettext_noop(
                    "floating IP %(address)s is already associated with another address. "
                    "Disassociate it there first, or choose another floating IP"
                )
                raise CloudConflict(
                    could_not(doing, Message(why, {"address": floating_ip.floating_ip_address}))
                )
            if (floating_ip.port_id, floating_ip.fixed_ip_address) != (port_id, fixed_ip_address):
                floating_ip = conn.network.update_ip(
                    floating_ip,
                    port_id=port_id,
                    fixed_ip_address=fixed_ip_address,
                    if_revision=floating_ip.revision_number,
                )
        else:
            floating_ip = create_once(
                conn=conn,
                operation=operation,
                find=conn.network.ips,
                create=lambda marker: conn.network.create_ip(
                    floating_network_id=floating_network_id,
                    port_id=port_id,
                    fixed_ip_address=fixed_ip_address,
                    description=marker,
                ),
                describe=lambda made: conn.network.update_ip(made, description=""),
                description="",
            )
        port = conn.network.get_port(port_id)
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip.id])
    _follow_device(
        conn=conn, port=port, floating_ip_address=floating_ip.floating_ip_address, mapped=True
    )


@operation_service
def floating_ip_disassociate(
    *, conn: Connection, operation: Operation, floating_ip_id: str
) -> None:
    """Unmap the floating IP from its port (already unmapped, or released, counts as done;
    changed since it was read fails); it stays allocated. Mirror it and its port's device."""
    port = None
    with translated(doing=_doing(operation), service=NEUTRON):
        floating_ip = conn.network.find_ip(floating_ip_id, ignore_missing=True)
        if floating_ip is not None and floating_ip.port_id:
            port = conn.network.find_port(floating_ip.port_id, ignore_missing=True)
            conn.network.update_ip(
                floating_ip, port_id=None, if_revision=floating_ip.revision_number
            )
    reconcile_floating_ips(conn=service_connection(), ids=[floating_ip_id])
    if floating_ip is not None and port is not None:
        _follow_device(
            conn=conn, port=port, floating_ip_address=floating_ip.floating_ip_address, mapped=False
        )


@operation_service
def floating_ip_delete(*, conn: Connection, operation: Operation, floating_ip_id: str) -> None:
    """Release the floating IP (already released counts as done); remove it, and its port
    forwardings, from the mirror."""
    doing = Message(
        gettext_noop("release floating IP %(address)s"), {"address": operation.target_label}
    )
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_ip(floating_ip_id, ignore_missing=True)
    admin = service_connection()
    reconcile_floating_ips(conn=admin, ids=[floating_ip_id])
    reconcile_port_forwardings(conn=admin, floating_ip_ids=[floating_ip_id])


@operation_service
def port_forwarding_create(
    *,
    conn: Connection,
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
    doing = Message(
        gettext_noop(
            "forward %(protocol)s port %(external_port)s of floating IP %(address)s to "
            "%(internal_address)s:%(internal_port)s"
        ),
        {
            "protocol": protocol,
            "external_port": external_port,
            "address": operation.target_label,
            "internal_address": internal_ip_address,
            "internal_port": internal_port,
        },
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


@operation_service
def port_forwarding_delete(
    *, conn: Connection, operation: Operation, floating_ip_id: str, port_forwarding_id: str
) -> None:
    """Delete the port forwarding (already gone counts as done); mirror the floating IP's rules."""
    doing = Message(
        gettext_noop("delete a port forwarding of floating IP %(address)s"),
        {"address": operation.target_label},
    )
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_port_forwarding(port_forwarding_id, floating_ip_id, ignore_missing=True)
    reconcile_port_forwardings(conn=service_connection(), floating_ip_ids=[floating_ip_id])
