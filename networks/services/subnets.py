"""Create, edit and delete subnets."""

from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from networks.models import Subnet
from networks.reconcile import reconcile_networks, reconcile_subnets
from networks.services.common import NEUTRON, create_once
from networks.services.in_use import naming_ports_in_use, refresh_network_ports


@operation_service
def subnet_create(
    *,
    conn: Connection,
    operation: Operation,
    network_id: str,
    attributes: dict[str, Any],
    description: str = "",
    record_result: bool = True,
) -> None:
    """Create the subnet on the network (once, even when retried); mirror it, its network and
    the network's ports (Neutron adds a DHCP port)."""
    label = attributes.get("name") or attributes.get("cidr") or operation.target_label
    doing = Message(gettext_noop("create subnet “%(name)s”"), {"name": label})
    with translated(doing=doing, service=NEUTRON):
        subnet = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.subnets,
            create=lambda marker: conn.network.create_subnet(
                network_id=network_id, description=marker, **attributes
            ),
            describe=lambda made: conn.network.update_subnet(made, description=description),
            description=description,
            record_result=record_result,
        )
    admin = service_connection()
    reconcile_subnets(conn=admin, ids=[subnet.id])
    reconcile_networks(conn=admin, ids=[network_id])
    refresh_network_ports(network_id=network_id)


@operation_service
def subnet_update(
    *,
    conn: Connection,
    operation: Operation,
    subnet_id: str,
    changes: dict[str, Any],
    revision_number: int | None = None,
) -> None:
    """Change the subnet's attributes, unless someone changed it since the page showed it."""
    doing = Message(gettext_noop("edit subnet “%(name)s”"), {"name": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.update_subnet(subnet_id, if_revision=revision_number, **changes)
    reconcile_subnets(conn=service_connection(), ids=[subnet_id])


@operation_service
def subnet_delete(*, conn: Connection, operation: Operation, subnet_id: str) -> None:
    """Delete the subnet (already gone counts as done); remove it from the mirror. Ports that
    still have addresses on it are named."""
    doing = Message(gettext_noop("delete subnet “%(name)s”"), {"name": operation.target_label})
    network_id = Subnet.objects.filter(pk=subnet_id).values_list("network_id", flat=True).first()
    try:
        with translated(doing=doing, service=NEUTRON):
            conn.network.delete_subnet(subnet_id, ignore_missing=True)
    except CloudConflict as conflict:
        if network_id is None:
            raise
        raise naming_ports_in_use(
            conflict,
            doing=doing,
            project_id=operation.project_id,
            network_id=network_id,
            subnet_id=subnet_id,
        ) from conflict
    reconcile_subnets(conn=service_connection(), ids=[subnet_id])
    if network_id is not None:
        refresh_network_ports(network_id=network_id)
