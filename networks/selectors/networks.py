"""Networks a project sees: its own, shared ones and external ones; and the ports on them."""

from dataclasses import dataclass
from functools import reduce

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from dashboard.i18n import Message, Param, gettext_noop, ngettext_noop
from networks.devices import instance_reads
from networks.models import Network, Port, Router, Subnet
from networks.selectors.access import (
    shared_with,
    shared_with_project,
    visible_external_networks,
    visible_networks,
    visible_ports,
)

# Ports Neutron deletes together with their network or subnet (DHCP and its like): they never
# keep a network "in use" (neutron's AUTO_DELETE_PORT_OWNERS).
AUTO_DELETED_PORT_OWNERS = (
    "network:dhcp",
    "network:distributed",
    "network:floatingip_agent_gateway",
)


def network_list(*, project_id: str) -> QuerySet[Network]:
    """Networks the project sees (own, shared with it, external to it), with their subnet count
    and `shared_with_project`: Neutron's `shared` as the project reads it."""
    return (
        Network.objects.filter(visible_networks(project_id=project_id))
        .annotate(
            subnet_count=Count("subnets", distinct=True),
            shared_with_project=shared_with_project(project_id=project_id),
        )
        .order_by("name", "id")
    )


def network_get(*, project_id: str, pk: str) -> Network | None:
    """A network the project sees, else None."""
    return network_list(project_id=project_id).filter(pk=pk).first()


def network_get_owned(*, project_id: str, pk: str) -> Network | None:
    """The project's own network (one it may change), else None."""
    return Network.objects.filter(project_id=project_id, pk=pk).first()


def external_network_list(*, project_id: str) -> QuerySet[Network]:
    """External networks the project sees, where its floating IPs and router gateways may be."""
    return Network.objects.filter(visible_external_networks(project_id=project_id)).order_by(
        "name", "id"
    )


def external_subnet_list(*, project_id: str, network_id: str | None = None) -> QuerySet[Subnet]:
    """Subnets of the external networks the project sees (of one when `network_id` is given),
    where a floating IP or a router gateway's fixed IP may be."""
    networks = external_network_list(project_id=project_id)
    if network_id is not None:
        networks = networks.filter(pk=network_id)
    return Subnet.objects.filter(network__in=networks).order_by("ip_version", "cidr")


def subnet_network_list(*, project_id: str, include_shared: bool) -> QuerySet[Network]:
    """Networks the project may add subnets to: its own, and those shared with it when
    `include_shared` (Neutron lets only a network's owner, or an admin, add subnets to it)."""
    visible = Q(project_id=project_id)
    if include_shared:
        visible |= shared_with(project_id=project_id)
    return Network.objects.filter(visible).order_by("name", "id")


@dataclass(frozen=True)
class PortRow:
    """A port on a network as its page shows it: what it is, and what it attaches."""

    port: Port
    attached_kind: str  # "instance", "router", or "" (a DHCP port, or nothing attached)
    attached_name: str
    own: bool  # the project's port (else another project's, on the project's own network)

    @property
    def addresses(self) -> list[str]:
        return [ip["ip_address"] for ip in self.port.fixed_ips]

    @property
    def attached_label(self) -> str:
        """What the port attaches, as the page names it ("Instance “web”"); "" for nothing."""
        if self.attached_kind == "instance":
            return _("Instance “%(name)s”") % {"name": self.attached_name}
        if self.attached_kind == "router":
            return _("Router “%(name)s”") % {"name": self.attached_name}
        return ""

    @property
    def label(self) -> Message:
        """How a message names the port: its owner, then its name or addresses (a Message, as a
        refusal that names it may be kept and read later)."""
        params: dict[str, Param] = {
            # Translators: in place of a port's device owner (network:dhcp) when it has none.
            "owner": self.port.device_owner or Message(gettext_noop("unattached")),
            "name": self.port.name,
            "where": ", ".join(self.addresses) or self.port.id,
            "attached": self.attached_name,
        }
        if self.attached_kind == "instance":
            if self.port.name:
                msgid = gettext_noop("%(owner)s “%(name)s” (%(where)s) of instance “%(attached)s”")
            else:
                msgid = gettext_noop("%(owner)s port (%(where)s) of instance “%(attached)s”")
        elif self.attached_kind == "router":
            if self.port.name:
                msgid = gettext_noop("%(owner)s “%(name)s” (%(where)s) of router “%(attached)s”")
            else:
                msgid = gettext_noop("%(owner)s port (%(where)s) of router “%(attached)s”")
        elif self.port.name:
            msgid = gettext_noop("%(owner)s “%(name)s” (%(where)s)")
        else:
            msgid = gettext_noop("%(owner)s port (%(where)s)")
        return Message(msgid, params)


def network_port_rows(*, project_id: str, network_id: str) -> list[PortRow]:
    """The ports on a network the project sees that Neutron shows it (its own; all of them on
    its own network), each with the instance or router it attaches when that is its own."""
    if network_get(project_id=project_id, pk=network_id) is None:
        return []
    ports = list(
        Port.objects.filter(visible_ports(project_id=project_id), network_id=network_id).order_by(
            "device_owner", "name", "id"
        )
    )
    device_ids = {port.device_id for port in ports if port.device_id}
    servers = instance_reads().names(project_id=project_id, ids=device_ids)
    routers = dict(
        Router.objects.filter(project_id=project_id, pk__in=device_ids).values_list("id", "name")
    )
    rows = []
    for port in ports:
        if port.device_id in servers:
            kind, name = "instance", servers[port.device_id] or port.device_id
        elif port.device_id in routers:
            kind, name = "router", routers[port.device_id] or port.device_id
        else:
            kind, name = "", ""
        rows.append(
            PortRow(
                port=port,
                attached_kind=kind,
                attached_name=name,
                own=port.project_id == project_id,
            )
        )
    return rows


def ports_in_use(*, project_id: str, network_id: str, subnet_id: str = "") -> list[PortRow]:
    """Ports that keep the network (or one of its subnets) from being deleted: all but those
    Neutron deletes with it."""
    return [
        row
        for row in network_port_rows(project_id=project_id, network_id=network_id)
        if row.port.device_owner not in AUTO_DELETED_PORT_OWNERS
        and (not subnet_id or any(ip["subnet_id"] == subnet_id for ip in row.port.fixed_ips))
    ]


def ports_in_use_label(rows: list[PortRow]) -> Message:
    """How a refusal names the ports in use: the project's own one by one, other projects'
    ports only counted (never whose they are)."""
    named = [row.label for row in rows if row.own]
    others = len(rows) - len(named)
    if others:
        named.append(
            Message.plural(
                ngettext_noop(
                    "%(count)s port of other projects", "%(count)s ports of other projects"
                ),
                count=others,
            )
        )
    separated = gettext_noop(
        # Translators: separates the ports a refusal lists ("port a; port b").
        "%(first)s; %(then)s"
    )
    return reduce(lambda first, then: Message(separated, {"first": first, "then": then}), named)
