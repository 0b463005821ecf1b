"""Routers: writes to Neutron, each inside an Operation, each safe to run again.

Create goes through `create_once`; an edit is skipped when the router already looks as asked and
otherwise sends the revision the user saw; gateway changes, interface and route changes end in
the same state however often they run (an interface already there, or already gone, is done).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, CloudNotFound, translate, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from networks.reconcile import reconcile_ports, reconcile_routers
from networks.services.common import NEUTRON, create_once

# Neutron's answers to removing an interface that is not there (any more): nothing to do.
ALREADY_DETACHED = {"RouterInterfaceNotFound", "RouterInterfaceNotFoundForSubnet", "RouterNotFound"}
GATEWAY_IN_USE = "RouterExternalGatewayInUseByFloatingIp"


def _mirror(router_id: str, port_ids: list[str] | None = None) -> None:
    """Refresh the router's mirror row, and the interface ports a change made or removed."""
    conn = service_connection()
    reconcile_routers(conn=conn, ids=[router_id])
    if port_ids:
        reconcile_ports(conn=conn, ids=port_ids)


@contextmanager
def _gateway_change(*, conn: Connection, router_id: str, doing: Message) -> Iterator[None]:
    """Cloud calls that change a gateway; when floating IPs still need the old one, the
    message names them."""
    try:
        with translated(doing=doing, service=NEUTRON):
            yield
    except CloudConflict as exc:
        cause = exc.__cause__
        if exc.error_type != GATEWAY_IN_USE or not isinstance(cause, Exception):
            raise
        with translated(doing=doing, service=NEUTRON):
            addresses = [ip.floating_ip_address for ip in conn.network.ips(router_id=router_id)]
        named = Message(
            gettext_noop(
                # Translators: %(doing)s is what failed ("clear the external gateway of router
                # “r”").
                "%(doing)s (floating IPs %(addresses)s use it)"
            ),
            {"doing": doing, "addresses": ", ".join(sorted(addresses))},
        )
        raise translate(cause, doing=named, service=NEUTRON) from cause


@operation_service
def router_create(
    *,
    conn: Connection,
    operation: Operation,
    name: str,
    description: str = "",
    admin_state_up: bool = True,
    external_gateway_info: dict[str, Any] | None = None,
) -> None:
    """Create the router (once, even when retried) with its gateway if one was chosen."""
    attrs: dict[str, Any] = {"name": name, "admin_state_up": admin_state_up}
    if external_gateway_info:
        attrs["external_gateway_info"] = external_gateway_info
    doing = Message(gettext_noop("create router “%(name)s”"), {"name": name})
    with translated(doing=doing, service=NEUTRON):
        router = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.routers,
            create=lambda marker: conn.network.create_router(description=marker, **attrs),
            describe=lambda made: conn.network.update_router(made, description=description),
            description=description,
        )
    _mirror(router.id)


@operation_service
def router_update(
    *,
    conn: Connection,
    operation: Operation,
    router_id: str,
    name: str,
    description: str,
    admin_state_up: bool,
    revision_number: int | None = None,
) -> None:
    """Rename, describe, enable or disable the router, unless it already is as asked; the
    update carries the revision the user saw, so a change made since is not overwritten."""
    doing = Message(gettext_noop("edit router “%(name)s”"), {"name": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        router = conn.network.get_router(router_id)
        wanted = (name, description, admin_state_up)
        if (router.name, router.description, router.is_admin_state_up) != wanted:
            conn.network.update_router(
                router,
                if_revision=revision_number,
                name=name,
                description=description,
                admin_state_up=admin_state_up,
            )
    _mirror(router_id)


@operation_service
def router_delete(*, conn: Connection, operation: Operation, router_id: str) -> None:
    """Delete the router (already gone counts as done); remove it from the mirror."""
    doing = Message(gettext_noop("delete router “%(name)s”"), {"name": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_router(router_id, ignore_missing=True)
    _mirror(router_id)


@operation_service
def router_set_gateway(
    *, conn: Connection, operation: Operation, router_id: str, external_gateway_info: dict[str, Any]
) -> None:
    """Give the router this external gateway (network, SNAT, fixed IP as chosen)."""
    doing = Message(
        gettext_noop("set the external gateway of router “%(name)s”"),
        {"name": operation.target_label},
    )
    with _gateway_change(conn=conn, router_id=router_id, doing=doing):
        conn.network.update_router(router_id, external_gateway_info=external_gateway_info)
    _mirror(router_id)


@operation_service
def router_clear_gateway(*, conn: Connection, operation: Operation, router_id: str) -> None:
    """Remove the router's external gateway (none already counts as done)."""
    doing = Message(
        gettext_noop("clear the external gateway of router “%(name)s”"),
        {"name": operation.target_label},
    )
    with _gateway_change(conn=conn, router_id=router_id, doing=doing):
        conn.network.update_router(router_id, external_gateway_info={})
    _mirror(router_id)


def _interface_port_id(
    conn: Connection, *, router_id: str, subnet_id: str | None, port_id: str | None
) -> str | None:
    """The router's interface port on the subnet, or the port itself once it is one."""
    for port in conn.network.ports(device_id=router_id):
        on_subnet = any(ip["subnet_id"] == subnet_id for ip in port.fixed_ips or [])
        if port.id == port_id or (subnet_id and on_subnet):
            return str(port.id)
    return None


@operation_service
def router_add_interface(
    *,
    conn: Connection,
    operation: Operation,
    router_id: str,
    subnet_id: str | None = None,
    port_id: str | None = None,
) -> None:
    """Attach the router to the subnet (at its gateway address) or to the port; an interface
    already there from an earlier attempt counts as done."""
    with translated(doing=operation.description_message.lowered(), service=NEUTRON):
        attached = _interface_port_id(
            conn, router_id=router_id, subnet_id=subnet_id, port_id=port_id
        )
        if attached is None:
            if subnet_id:
                made = conn.network.add_interface_to_router(router_id, subnet=subnet_id)
            else:
                made = conn.network.add_interface_to_router(router_id, port=port_id)
            attached = made["port_id"]
    _mirror(router_id, [attached])


@operation_service
def router_remove_interface(
    *,
    conn: Connection,
    operation: Operation,
    router_id: str,
    subnet_id: str | None = None,
    port_id: str | None = None,
) -> None:
    """Detach the router from the subnet, or remove its interface port; an interface already
    gone counts as done."""
    try:
        with translated(doing=operation.description_message.lowered(), service=NEUTRON):
            if subnet_id:
                conn.network.remove_interface_from_router(router_id, subnet=subnet_id)
            else:
                conn.network.remove_interface_from_router(router_id, port=port_id)
    except CloudNotFound as exc:
        if exc.error_type not in ALREADY_DETACHED:
            raise
    _mirror(router_id, [port_id] if port_id else None)


def _routes_body(destination: str, nexthop: str) -> dict[str, Any]:
    return {"router": {"routes": [{"destination": destination, "nexthop": nexthop}]}}


@operation_service
def router_add_route(
    *, conn: Connection, operation: Operation, router_id: str, destination: str, nexthop: str
) -> None:
    """Add one static route atomically (Neutron's extraroute-atomic): routes added meanwhile
    by anyone else stay; adding a route that is there already changes nothing."""
    doing = Message(
        gettext_noop("add route %(destination)s via %(nexthop)s to router “%(name)s”"),
        {"destination": destination, "nexthop": nexthop, "name": operation.target_label},
    )
    with translated(doing=doing, service=NEUTRON):
        conn.network.add_extra_routes_to_router(router_id, _routes_body(destination, nexthop))
    _mirror(router_id)


@operation_service
def router_remove_route(
    *, conn: Connection, operation: Operation, router_id: str, destination: str, nexthop: str
) -> None:
    """Remove one static route atomically; a route already gone changes nothing."""
    doing = Message(
        gettext_noop("remove route %(destination)s via %(nexthop)s from router “%(name)s”"),
        {"destination": destination, "nexthop": nexthop, "name": operation.target_label},
    )
    with translated(doing=doing, service=NEUTRON):
        conn.network.remove_extra_routes_from_router(router_id, _routes_body(destination, nexthop))
    _mirror(router_id)
