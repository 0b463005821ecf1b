"""Neutron's "still in use" refusals of a network or subnet delete, with the ports named."""

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudConflict, CloudError, Doing, restated, translated
from dashboard.i18n import Message, gettext_noop
from networks.models import Port
from networks.reconcile import reconcile_ports
from networks.selectors.networks import ports_in_use, ports_in_use_label
from networks.services.common import NEUTRON

# Neutron's error types for "objects still use this": the message then names those objects.
IN_USE_ERRORS = ("NetworkInUse", "SubnetInUse")


def refresh_network_ports(*, network_id: str) -> None:
    """Mirror the ports of one network as they are now: new ones added, gone ones removed."""
    conn = service_connection()
    doing = Message(gettext_noop("list the ports of network %(id)s"), {"id": network_id})
    with translated(doing=doing, service=NEUTRON):
        listed = [port.id for port in conn.network.ports(network_id=network_id)]
    mirrored = Port.objects.filter(network_id=network_id).values_list("id", flat=True)
    reconcile_ports(conn=conn, ids=[*listed, *mirrored])


def naming_ports_in_use(
    conflict: CloudConflict, *, doing: Doing, project_id: str, network_id: str, subnet_id: str = ""
) -> CloudError:
    """Neutron's "in use" refusal, with the ports that keep the network (or subnet) in use named,
    read from the mirror once it is refreshed; other conflicts as they are."""
    if conflict.error_type not in IN_USE_ERRORS:
        return conflict
    refresh_network_ports(network_id=network_id)
    blocking = ports_in_use(project_id=project_id, network_id=network_id, subnet_id=subnet_id)
    if not blocking:
        return conflict
    return restated(
        conflict,
        doing=doing,
        why=Message(
            gettext_noop(
                "%(ports)s still use it. Delete those ports, or detach them from their "
                "instances and routers, then try again"
            ),
            {"ports": ports_in_use_label(blocking)},
        ),
        service=NEUTRON,
    )
