"""Create, edit and delete ports."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, translate, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from networks.reconcile import reconcile_ports
from networks.services.common import NEUTRON, create_once

ADDRESS_TAKEN = "IpAddressAlreadyAllocated"


def _port_attributes(
    *,
    admin_state_up: bool | None,
    port_security_enabled: bool | None,
    security_group_ids: list[str] | None,
    allowed_address_pairs: list[dict[str, str]],
) -> dict[str, Any]:
    """The SDK attributes for the choices a form made; None means "leave it to Neutron"."""
    attributes: dict[str, Any] = {"allowed_address_pairs": allowed_address_pairs}
    if admin_state_up is not None:
        attributes["admin_state_up"] = admin_state_up
    if port_security_enabled is not None:
        attributes["port_security_enabled"] = port_security_enabled
    if security_group_ids is not None:
        attributes["security_groups"] = security_group_ids
    if port_security_enabled is False:
        # Neutron refuses a port without port security that still has groups (the default one).
        attributes["security_groups"] = []
    return attributes


@contextmanager
def _naming_address_holder(
    *,
    conn: Connection,
    doing: Message,
    network_id: str,
    fixed_ips: list[dict[str, str]],
    port_id: str = "",
) -> Iterator[None]:
    """Translate failures; when Neutron says an address is taken, name the port that has it
    (the form checked the mirror, so this is a port the mirror did not know yet)."""
    try:
        with translated(doing=doing, service=NEUTRON):
            yield
    except CloudConflict as exc:
        cause = exc.__cause__
        if exc.error_type != ADDRESS_TAKEN or not isinstance(cause, Exception):
            raise
        for address in (fixed["ip_address"] for fixed in fixed_ips if fixed.get("ip_address")):
            looking_up = Message(
                gettext_noop("look up who has address %(address)s"), {"address": address}
            )
            with translated(doing=looking_up, service=NEUTRON):
                holders = conn.network.ports(
                    network_id=network_id, fixed_ips=[f"ip_address={address}"]
                )
                holder = next((port for port in holders if port.id != port_id), None)
            if holder is not None:
                raise translate(
                    cause,
                    doing=Message(
                        gettext_noop(
                            # Translators: %(doing)s is what failed ("create port “p”").
                            "%(doing)s: port “%(port)s” has %(address)s"
                        ),
                        {"doing": doing, "port": holder.name or holder.id, "address": address},
                    ),
                    service=NEUTRON,
                ) from cause
        raise


@operation_service
def port_create(
    *,
    conn: Connection,
    operation: Operation,
    network_id: str,
    name: str = "",
    description: str = "",
    fixed_ips: list[dict[str, str]] | None = None,
    admin_state_up: bool | None = None,
    port_security_enabled: bool | None = None,
    security_group_ids: list[str] | None = None,
    allowed_address_pairs: list[dict[str, str]] | None = None,
) -> None:
    """Create the port on the network (once, even when retried); mirror it.

    No fixed IPs: Neutron picks an address; no security groups: the project's default group."""
    attributes = _port_attributes(
        admin_state_up=admin_state_up,
        port_security_enabled=port_security_enabled,
        security_group_ids=security_group_ids or None,
        allowed_address_pairs=allowed_address_pairs or [],
    )
    if fixed_ips:
        attributes["fixed_ips"] = fixed_ips
    if name:
        doing = Message(gettext_noop("create port “%(name)s”"), {"name": name})
    else:
        doing = Message(gettext_noop("create an unnamed port"))
    with _naming_address_holder(
        conn=conn, doing=doing, network_id=network_id, fixed_ips=fixed_ips or []
    ):
        port = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.ports,
            create=lambda marker: conn.network.create_port(
                network_id=network_id, name=name, description=marker, **attributes
            ),
            describe=lambda made: conn.network.update_port(made, description=description),
            description=description,
        )
    reconcile_ports(conn=service_connection(), ids=[port.id])


@operation_service
def port_update(
    *,
    conn: Connection,
    operation: Operation,
    port_id: str,
    network_id: str,
    revision_number: int | None,
    name: str = "",
    description: str = "",
    fixed_ips: list[dict[str, str]] | None = None,
    admin_state_up: bool | None = None,
    port_security_enabled: bool | None = None,
    security_group_ids: list[str] | None = None,
    allowed_address_pairs: list[dict[str, str]] | None = None,
) -> None:
    """Apply the edit form's values to the port unless it changed since the form was shown (its
    revision): then Neutron refuses. Idempotent: a rerun finds the values in place."""
    attributes = _port_attributes(
        admin_state_up=admin_state_up,
        port_security_enabled=port_security_enabled,
        security_group_ids=security_group_ids if security_group_ids is not None else [],
        allowed_address_pairs=allowed_address_pairs or [],
    )
    if fixed_ips:
        attributes["fixed_ips"] = fixed_ips
    doing = Message(gettext_noop("change port “%(name)s”"), {"name": operation.target_label})
    with _naming_address_holder(
        conn=conn, doing=doing, network_id=network_id, fixed_ips=fixed_ips or [], port_id=port_id
    ):
        wanted = {"name": name, "description": description, **attributes}
        current = conn.network.get_port(port_id)
        # A rerun after a lost answer finds its own change in place, under a newer revision.
        if current.revision_number == revision_number or not _matches(
            current.to_dict(computed=False, original_names=True), wanted
        ):
            conn.network.update_port(port_id, if_revision=revision_number, **wanted)
    reconcile_ports(conn=service_connection(), ids=[port_id])


def _matches(have: Any, want: Any) -> bool:
    """Whether `have` (Neutron's value) already holds `want` (what an edit sends): dicts on the
    keys `want` gives, lists item by item in any order, anything else by equality."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(_matches(have.get(k), v) for k, v in want.items())
    if isinstance(want, list):
        have = list(have or [])
        return len(have) == len(want) and all(any(_matches(h, w) for h in have) for w in want)
    return bool(have == want)


@operation_service
def port_rename(*, conn: Connection, operation: Operation, port_id: str, name: str) -> None:
    """Give the port this name (a rerun sets it again, which changes nothing); mirror it."""
    doing = Message(gettext_noop("rename port “%(name)s”"), {"name": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.update_port(port_id, name=name)
    reconcile_ports(conn=service_connection(), ids=[port_id])


@operation_service
def port_delete(*, conn: Connection, operation: Operation, port_id: str) -> None:
    """Delete the port (already gone counts as done); remove it from the mirror."""
    doing = Message(gettext_noop("delete port “%(name)s”"), {"name": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_port(port_id, ignore_missing=True)
    reconcile_ports(conn=service_connection(), ids=[port_id])
