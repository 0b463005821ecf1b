"""The project's network topology as a graph, from the mirror (cytoscape.js element format).

Nodes: networks (compound nodes holding their subnets), subnets, routers, instances, and ports
that are neither an instance's nor a router's. Edges: a router's gateway to its external
network, a router interface or an instance's port to each subnet it has addresses on (labelled
with its fixed IPs on that subnet only, each with its floating IP if one is mapped to it). Every
element has a stable id, so a client can add, remove and update elements in place.
"""

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from networks.devices import instance_reads
from networks.models import FloatingIP, Network, Port, Router, Subnet

Element = dict[str, Any]

# Ports the picture leaves out: they belong to the network itself, not to anything a user drew.
HIDDEN_OWNERS = ("network:dhcp", "network:router_gateway", "network:floatingip")


def _url(name: str, pk: str) -> str:
    """The detail page of an object, or "" while that page does not exist."""
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def _node(kind: str, pk: str, label: str, **data: Any) -> Element:
    return {"group": "nodes", "data": {"id": f"{kind}:{pk}", "kind": kind, "label": label, **data}}


def _edge(kind: str, pk: str, source: str, target: str, label: str, **data: Any) -> Element:
    return {
        "group": "edges",
        "data": {
            "id": f"{kind}:{pk}",
            "kind": kind,
            "source": source,
            "target": target,
            "label": label,
            **data,
        },
    }


def _addresses(
    port: Port, floating: dict[tuple[str, str], str], *, subnet_id: str | None = None
) -> str:
    """The port's fixed IPs (only those on `subnet_id` when given), each with its floating IP
    after an arrow."""
    parts = []
    for fixed in port.fixed_ips:
        if subnet_id is not None and fixed.get("subnet_id") != subnet_id:
            continue
        address = fixed.get("ip_address", "")
        mapped = floating.get((port.id, address))
        parts.append(f"{address} ↔ {mapped}" if mapped else address)
    return ", ".join(parts)


def _port_edges(
    kind: str,
    owner: str,
    port: Port,
    subnet_nodes: set[str],
    floating: dict[tuple[str, str], str],
) -> Iterable[Element]:
    """One edge per subnet the port has an address on, labelled with its addresses on that
    subnet only (to the network, with all of them, when no subnet of the port is drawn)."""
    subnet_ids = [str(fixed.get("subnet_id")) for fixed in port.fixed_ips]
    labels = {
        f"subnet:{subnet_id}": _addresses(port, floating, subnet_id=subnet_id)
        for subnet_id in dict.fromkeys(subnet_ids)
        if f"subnet:{subnet_id}" in subnet_nodes
    }
    if not labels and port.network_id:
        labels = {f"network:{port.network_id}": _addresses(port, floating)}
    for index, (target, label) in enumerate(labels.items()):
        suffix = f"-{index}" if index else ""
        yield _edge(
            kind,
            f"{port.id}{suffix}",
            owner,
            target,
            label,
            status=port.status,
            port_id=port.id,
        )


def topology_graph(*, project_id: str) -> list[Element]:
    """The project's topology: its networks (and external networks its routers use), subnets,
    routers, instances and free ports, with links to their pages; nothing of other projects."""
    routers = list(Router.objects.filter(project_id=project_id).order_by("name", "id"))
    ports = list(
        Port.objects.filter(project_id=project_id)
        .exclude(device_owner__in=HIDDEN_OWNERS)
        .order_by("id")
    )
    servers = {server.id: server for server in instance_reads().instances(project_id=project_id)}
    floating = {
        (str(fip.port_id), fip.fixed_ip_address): fip.floating_ip_address
        for fip in FloatingIP.objects.filter(project_id=project_id, port__isnull=False)
    }
    external_ids = {r.external_network_id for r in routers if r.external_network_id}
    network_ids = {p.network_id for p in ports if p.network_id} | external_ids
    networks = list(
        Network.objects.filter(project_id=project_id).union(
            Network.objects.filter(pk__in=network_ids)
        )
    )
    networks.sort(key=lambda network: (network.name, network.id))
    subnets = list(
        Subnet.objects.filter(network_id__in=[n.id for n in networks]).order_by("cidr", "id")
    )

    elements: list[Element] = []
    for network in networks:
        elements.append(
            _node(
                "network",
                network.id,
                network.name_or_id,
                status=network.status,
                external=network.router_external,
                own=network.project_id == project_id,
                url=_url("networks:network_detail", network.id),
            )
        )
    subnet_nodes = set()
    for subnet in subnets:
        subnet_nodes.add(f"subnet:{subnet.id}")
        elements.append(
            _node(
                "subnet",
                subnet.id,
                " ".join((subnet.name or _("subnet"), subnet.cidr)),
                parent=f"network:{subnet.network_id}",
                cidr=subnet.cidr,
                url=_url("networks:subnet_detail", subnet.id),
            )
        )
    for router in routers:
        elements.append(
            _node(
                "router",
                router.id,
                router.name_or_id,
                status=router.status,
                url=_url("networks:router_detail", router.id),
            )
        )
        if router.external_network_id:
            gateway_ips = [
                fixed.get("ip_address", "")
                for fixed in (router.external_gateway_info or {}).get("external_fixed_ips", [])
            ]
            elements.append(
                _edge(
                    "gateway",
                    router.id,
                    f"router:{router.id}",
                    f"network:{router.external_network_id}",
                    ", ".join(gateway_ips),
                    snat=router.enable_snat,
                )
            )
    server_ports: dict[str, set[str]] = {}
    for port in ports:
        server_ports.setdefault(port.device_id, set()).add(port.id)
    for server in servers.values():
        own_ports = server_ports.get(server.id, set())
        addresses = sorted(address for key, address in floating.items() if key[0] in own_ports)
        elements.append(
            _node(
                "server",
                server.id,
                server.label,
                status=server.status,
                floating_ips=addresses,
                url=_url("instances:server_detail", server.id),
            )
        )
    for port in ports:
        if port.is_router_interface and any(r.id == port.device_id for r in routers):
            elements += _port_edges(
                "interface", f"router:{port.device_id}", port, subnet_nodes, floating
            )
        elif port.device_id in servers:
            elements += _port_edges("nic", f"server:{port.device_id}", port, subnet_nodes, floating)
        elif not port.is_router_interface:
            elements.append(
                _node(
                    "port",
                    port.id,
                    port.name or _addresses(port, floating) or port.id[:8],
                    status=port.status,
                    url=_url("networks:port_detail", port.id),
                )
            )
            elements += _port_edges("attachment", f"port:{port.id}", port, subnet_nodes, floating)
    return elements
