"""Reads of the ports mirror, scoped to a project: its ports, what they attach to, who holds an
address, and what a port may be created on."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.models import ROUTER_INTERFACE_OWNERS, Network, Port, Router, SecurityGroup, Subnet
from networks.selectors.access import own_server_name, shared_with

# Device owners Neutron or Nova manage: such a port is removed through its owner, not deleted.
_OWNER_LABELS: dict[str, str | Promise] = {
    "network:router_interface": gettext_lazy("Router interface"),
    "network:router_interface_distributed": gettext_lazy("Router interface (distributed)"),
    "network:ha_router_replicated_interface": gettext_lazy("Router interface (HA)"),
    "network:router_gateway": gettext_lazy("Router gateway"),
    "network:router_centralized_snat": gettext_lazy("Router SNAT"),
    "network:dhcp": "DHCP",
    "network:floatingip": gettext_lazy("Floating IP"),
    "network:distributed": gettext_lazy("Metadata"),
}


def device_owner_label(device_owner: str) -> str:
    """What the port is for, as a user says it ("Instance", "Router interface", "DHCP", ...)."""
    if device_owner.startswith("compute:"):
        return _("Instance")
    if not device_owner:
        return _("Unattached")
    return str(_OWNER_LABELS.get(device_owner, device_owner))


def port_list(*, project_id: str) -> QuerySet[Port]:
    """The project's own ports with their network, the attached server's and router's names."""
    return (
        Port.objects.filter(project_id=project_id)
        .select_related("network")
        .annotate(
            server_name=own_server_name(project_id=project_id),
            router_name=Subquery(
                Router.objects.filter(pk=OuterRef("device_id"), project_id=project_id).values(
                    "name"
                )[:1]
            ),
        )
        .order_by("name", "id")
    )


def port_get(*, project_id: str, pk: str) -> Port | None:
    """One of the project's ports (annotated as in `port_list`), else None."""
    return port_list(project_id=project_id).filter(pk=pk).first()


def port_delete_refusal(*, port: Port) -> str:
    """Why deleting this port directly is wrong and what to do instead; "" when it may go."""
    owner = port.device_owner
    label = port.name_or_id
    if owner.startswith("compute:"):
        server = getattr(port, "server_name", None) or port.device_id
        return _(
            "Port “%(name)s” is attached to instance “%(server)s”. Detach the interface from the "
            "instance (or delete the instance) instead."
        ) % {"name": label, "server": server}
    if owner in ROUTER_INTERFACE_OWNERS:
        router = getattr(port, "router_name", None) or port.device_id
        return _(
            "Port “%(name)s” is an interface of router “%(router)s”. Remove the interface from "
            "the router instead."
        ) % {"name": label, "router": router}
    if owner == "network:router_gateway":
        router = getattr(port, "router_name", None) or port.device_id
        return _(
            "Port “%(name)s” is the gateway of router “%(router)s”. Clear the router's gateway "
            "instead."
        ) % {"name": label, "router": router}
    if owner.startswith("network:"):
        return _(
            "Port “%(name)s” is managed by Neutron (%(owner)s); it goes away with what it serves "
            "(for DHCP: turn DHCP off on the subnet)."
        ) % {"name": label, "owner": device_owner_label(owner)}
    return ""


def port_network_choices(*, project_id: str) -> QuerySet[Network]:
    """Networks the project may create ports on: its own and those shared with it, not
    external ones (unless shared with it too)."""
    shared = shared_with(project_id=project_id)
    return (
        Network.objects.filter(Q(project_id=project_id) | shared)
        .exclude(Q(router_external=True) & ~shared)
        .order_by("name", "id")
    )


def port_subnet_choices(*, project_id: str, network_id: str) -> QuerySet[Subnet]:
    """Subnets of one network the project may create ports on."""
    networks = port_network_choices(project_id=project_id).filter(pk=network_id)
    return Subnet.objects.filter(network__in=networks).order_by("ip_version", "cidr")


def port_security_group_choices(*, project_id: str) -> QuerySet[SecurityGroup]:
    """The project's own security groups, by name."""
    return SecurityGroup.objects.filter(project_id=project_id).order_by("name", "id")


def port_holding_address(
    *, network_id: str, ip_address: str, exclude_port_id: str = ""
) -> Port | None:
    """The port of any project that holds `ip_address` on the network, according to the mirror.

    `fixed_ips` is JSON; the address is matched in Python among the network's ports that mention
    it, which is exact and stays one query."""
    candidates = Port.objects.filter(
        network_id=network_id, fixed_ips__icontains=f'"{ip_address}"'
    ).exclude(pk=exclude_port_id)
    for port in candidates:
        if any(fixed["ip_address"] == ip_address for fixed in port.fixed_ips):
            return port
    return None
