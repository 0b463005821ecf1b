"""The project's network topology as a compact graph, laid out, from the mirror.

Nodes: networks (boxes behind their subnets), subnets, routers, instances, and ports
that are neither an instance's nor a router's. Edges: a router's gateway to its external
network, a router interface or an instance's port to each subnet it has addresses on (labelled
with its fixed IPs on that subnet only, each with its floating IP if one is mapped to it).

The JSON is built for thousands of nodes: each node is one array (`NODE_COLUMNS`), each edge one
array naming its ends by their index among the nodes (`EDGE_COLUMNS`), and the detail pages'
URLs are templates in one `urls` map. Every element keeps a stable id (`kind:id` for a node,
`kind:key` for an edge), so a client can add, remove and update elements in place.

Positions come from a one-pass layout, O(n): networks side by side as columns (external ones
first), wrapped into rows so that the picture is about as wide as a screen is to its height;
each network's subnets stacked at the top of its column and the instances and free ports on it
in a grid below them; routers in a band above, each over the middle of the networks its
interfaces are on; what is on no drawn network in a last column.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from networks.devices import instance_reads
from networks.models import ROUTER_INTERFACE_OWNERS, FloatingIP, Network, Port, Router, Subnet

# Ports the picture leaves out: they belong to the network itself, not to anything a user drew.
HIDDEN_OWNERS = ("network:dhcp", "network:router_gateway", "network:floatingip")

NODE_COLUMNS = ("kind", "id", "label", "status", "x", "y", "extra")
EDGE_COLUMNS = ("kind", "key", "source", "target", "label", "status")

# Stands for the object's id in the `urls` templates (a UUID: instances' routes take only one).
URL_ID = "00000000-0000-0000-0000-000000000000"
DETAIL_PAGES = {
    "network": "networks:network_detail",
    "subnet": "networks:subnet_detail",
    "router": "networks:router_detail",
    "server": "instances:server_detail",
    "port": "networks:port_detail",
}

# The layout's spacing, in the picture's pixels.
CELL_WIDTH, CELL_HEIGHT = 120, 70  # an instance or port, with room for its label
SUBNET_HEIGHT = 30
COLUMN_GAP = 80
ROUTER_BAND = -110  # routers sit above their networks' tops, stacked upwards
ROUTER_STEP = 60
ROW_GAP = 250  # between rows of networks: room for the lower row's routers
ASPECT = 16 / 9  # of the whole picture, about a screen's
MIN_ROW_WIDTH = 1600


@dataclass(eq=False)
class _Node:
    kind: str
    id: str
    label: str
    status: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    network: "_Node | None" = None  # a subnet's
    column: "_Column | None" = None  # where the layout puts it: its network's column
    index: int = 0
    x: int = 0
    y: int = 0

    def row(self) -> list[Any]:
        extra = {**self.extra, "network": self.network.index} if self.network else self.extra
        row = [self.kind, self.id, self.label, self.status, self.x, self.y]
        return [*row, extra] if extra else row


@dataclass(eq=False)
class _Column:
    """A network, its subnets and the instances and free ports the layout puts under it."""

    network: _Node
    subnets: list[_Node] = field(default_factory=list)
    attached: list[_Node] = field(default_factory=list)
    centre: float = 0.0
    top: int = 0


@dataclass
class _Edge:
    kind: str
    key: str
    source: _Node
    target: _Node
    label: str
    status: str = ""

    def row(self) -> list[Any]:
        return [self.kind, self.key, self.source.index, self.target.index, self.label, self.status]


def _detail_urls() -> dict[str, str]:
    """Each kind's detail page with `URL_ID` for the id; kinds without a page are left out."""
    urls = {}
    for kind, name in DETAIL_PAGES.items():
        try:
            urls[kind] = reverse(name, kwargs={"pk": URL_ID})
        except NoReverseMatch:
            continue
    return urls


def _addresses(
    port_id: str,
    fixed_ips: list[dict[str, str]],
    floating: dict[tuple[str, str], str],
    *,
    subnet_id: str | None = None,
) -> str:
    """The port's fixed IPs (only those on `subnet_id` when given), each with its floating IP
    after an arrow."""
    parts = []
    for fixed in fixed_ips:
        if subnet_id is not None and fixed.get("subnet_id") != subnet_id:
            continue
        address = fixed.get("ip_address", "")
        mapped = floating.get((port_id, address))
        parts.append(f"{address} ↔ {mapped}" if mapped else address)
    return ", ".join(parts)


def _grid_shape(count: int) -> tuple[int, int]:
    """(columns, rows) of a near-square grid of `count` cells, at least one column."""
    columns = max(1, math.ceil(math.sqrt(count)))
    return columns, math.ceil(count / columns)


def _grid(left: int, top: int, nodes: list[_Node]) -> None:
    """Place `nodes` in a near-square grid from (left, top)."""
    columns, _rows = _grid_shape(len(nodes))
    for position, node in enumerate(nodes):
        node.x = left + (position % columns) * CELL_WIDTH
        node.y = top + (position // columns) * CELL_HEIGHT


@dataclass
class _Flow:
    """Blocks placed left to right, in rows of about `width` (a new row below the tallest block
    of the last one, with room for the new row's routers)."""

    width: float
    left: int = 0
    top: int = 0
    row_height: int = 0

    def place(self, width: int, height: int) -> tuple[int, int]:
        if self.left and self.left + width > self.width:
            self.left, self.top = 0, self.top + self.row_height + ROW_GAP
            self.row_height = 0
        at = (self.left, self.top)
        self.left += width + COLUMN_GAP
        self.row_height = max(self.row_height, height)
        return at


def _layout(
    columns: Iterable[_Column], loose: list[_Node], routers: list[tuple[_Node, list[_Column]]]
) -> None:
    """Positions for every node: the columns in rows about as wide as a screen is to its height,
    then the routers (each over the middle of the columns it joins, in the band above the
    highest of them, stacked upwards where another router already is). O(n)."""
    blocks = []
    for column in columns:
        head = (len(column.subnets) + 1) * SUBNET_HEIGHT + CELL_HEIGHT
        grid_columns, grid_rows = _grid_shape(len(column.attached))
        blocks.append((column, head, grid_columns * CELL_WIDTH, head + grid_rows * CELL_HEIGHT))
    loose_columns, loose_rows = _grid_shape(len(loose))
    loose_size = (loose_columns * CELL_WIDTH, loose_rows * CELL_HEIGHT)
    sizes = [(width, height) for _, _, width, height in blocks] + [loose_size]
    area = sum((width + COLUMN_GAP) * (height + ROW_GAP) for width, height in sizes)
    flow = _Flow(max(MIN_ROW_WIDTH, math.sqrt(area * ASPECT)))
    for column, head, width, height in blocks:
        left, column.top = flow.place(width, height)
        for position, subnet in enumerate(column.subnets):
            subnet.x, subnet.y = left, column.top + (position + 1) * SUBNET_HEIGHT
        # The network's box: behind its subnets, its label above them.
        network = column.network
        network.x = left
        network.y = column.top + (len(column.subnets) + 1) * SUBNET_HEIGHT // 2
        network.extra["height"] = max(SUBNET_HEIGHT, len(column.subnets) * SUBNET_HEIGHT + 8)
        _grid(left, column.top + head, column.attached)
        column.centre = left + (width - CELL_WIDTH) / 2
    if loose:
        _grid(*flow.place(*loose_size), loose)
    stacked: dict[tuple[int, int], int] = {}
    for router, joined in routers:
        centre = sum(c.centre for c in joined) / len(joined) if joined else flow.left
        top = min(c.top for c in joined) if joined else flow.top
        slot = (top, round(centre / CELL_WIDTH))
        router.x = slot[1] * CELL_WIDTH
        router.y = top + ROUTER_BAND - stacked.get(slot, 0) * ROUTER_STEP
        stacked[slot] = stacked.get(slot, 0) + 1


def topology_graph(*, project_id: str) -> dict[str, Any]:
    """The project's topology: its networks (and external networks its routers use), subnets,
    routers, instances and free ports, laid out; nothing of other projects. Six queries at any
    size, each of the columns the picture needs only."""
    routers = Router.objects.filter(project_id=project_id).order_by("name", "id")
    ports = list(
        Port.objects.filter(project_id=project_id)
        .exclude(device_owner__in=HIDDEN_OWNERS)
        .order_by("id")
        .values_list("id", "name", "status", "network_id", "fixed_ips", "device_owner", "device_id")
    )
    router_rows = list(
        routers.values_list("id", "name", "status", "external_network_id", "external_gateway_info")
    )
    floating: dict[tuple[str, str], str] = {
        (str(port_id), fixed): address
        for port_id, fixed, address in FloatingIP.objects.filter(
            project_id=project_id, port__isnull=False
        ).values_list("port_id", "fixed_ip_address", "floating_ip_address")
    }
    external_ids = {row[3] for row in router_rows if row[3]}
    network_ids = {row[3] for row in ports if row[3]} | external_ids
    fields = ("id", "name", "status", "router_external", "project_id")
    network_rows = sorted(
        Network.objects.filter(project_id=project_id)
        .values_list(*fields)
        .union(Network.objects.filter(pk__in=network_ids).values_list(*fields)),
        key=lambda row: (not row[3], row[1], row[0]),  # external networks first, then by name
    )
    columns: dict[str, _Column] = {}
    for network_id, name, status, external, owner in network_rows:
        extra = {"external": external, "own": owner == project_id}
        network = _Node("network", network_id, name or network_id, status, extra)
        columns[network_id] = network.column = _Column(network)
    subnets: dict[str, _Node] = {}
    for subnet_id, network_id, name, cidr in (
        Subnet.objects.filter(network_id__in=list(columns))
        .order_by("cidr", "id")
        .values_list("id", "network_id", "name", "cidr")
    ):
        column = columns[network_id]
        label = " ".join((name or _("subnet"), cidr))
        subnet = _Node("subnet", subnet_id, label, extra={"cidr": cidr}, network=column.network)
        subnet.column = column
        column.subnets.append(subnet)
        subnets[subnet_id] = subnet

    edges: list[_Edge] = []
    router_nodes: dict[str, _Node] = {}
    # The columns each router joins: its interfaces' networks, else its gateway's (every router
    # of a project shares one external network, which would pull them all to its column).
    joins: dict[str, list[_Column]] = {}
    gateways: dict[str, list[_Column]] = {}
    for router_id, name, status, external_id, gateway in router_rows:
        router = router_nodes[router_id] = _Node("router", router_id, name or router_id, status)
        joins[router_id] = []
        if external_id in columns:
            gateway_ips = [
                fixed.get("ip_address", "")
                for fixed in (gateway or {}).get("external_fixed_ips", [])
            ]
            edges.append(
                _Edge(
                    "gateway",
                    router_id,
                    router,
                    columns[external_id].network,
                    ", ".join(gateway_ips),
                )
            )
            gateways[router_id] = [columns[external_id]]
    servers = {
        server.id: _Node("server", server.id, server.label, server.status)
        for server in instance_reads().instances(project_id=project_id)
    }
    free_ports: list[_Node] = []
    for port_id, name, status, network_id, fixed_ips, owner, device_id in ports:
        if owner in ROUTER_INTERFACE_OWNERS:
            if device_id not in router_nodes:
                continue
            source, kind = router_nodes[device_id], "interface"
        elif device_id in servers:
            source, kind = servers[device_id], "nic"
            for fixed in fixed_ips:
                mapped = floating.get((port_id, fixed.get("ip_address", "")))
                if mapped:
                    source.extra.setdefault("floating_ips", []).append(mapped)
        else:
            label = name or _addresses(port_id, fixed_ips, floating) or port_id[:8]
            source, kind = _Node("port", port_id, label, status), "attachment"
            free_ports.append(source)
        targets = _port_targets(port_id, fixed_ips, network_id, subnets, columns, floating)
        for number, (target, label) in enumerate(targets):
            key = f"{port_id}-{number}" if number else port_id
            edges.append(_Edge(kind, key, source, target, label, status))
            if kind == "interface":
                joins[device_id].append(_column(target))
            elif source.column is None:
                source.column = _column(target)
                source.column.attached.append(source)

    loose = [node for node in (*servers.values(), *free_ports) if node.column is None]
    for server in servers.values():
        if "floating_ips" in server.extra:
            server.extra["floating_ips"].sort()
    _layout(
        columns.values(),
        loose,
        [(node, joins[r] or gateways.get(r, [])) for r, node in router_nodes.items()],
    )
    nodes = [
        *(column.network for column in columns.values()),
        *subnets.values(),
        *router_nodes.values(),
        *servers.values(),
        *free_ports,
    ]
    for index, node in enumerate(nodes):
        node.index = index
    return {
        "urls": _detail_urls(),
        "nodes": [node.row() for node in nodes],
        "edges": [edge.row() for edge in edges],
    }


def _column(target: _Node) -> _Column:
    assert target.column is not None  # every network and subnet node has its column
    return target.column


def _port_targets(
    port_id: str,
    fixed_ips: list[dict[str, str]],
    network_id: str | None,
    subnets: dict[str, _Node],
    columns: dict[str, _Column],
    floating: dict[tuple[str, str], str],
) -> list[tuple[_Node, str]]:
    """Each drawn subnet the port has an address on, with its addresses on that subnet only (its
    network, with all of them, when no subnet of the port is drawn)."""
    targets = [
        (subnets[subnet_id], _addresses(port_id, fixed_ips, floating, subnet_id=subnet_id))
        for subnet_id in dict.fromkeys(str(fixed.get("subnet_id")) for fixed in fixed_ips)
        if subnet_id in subnets
    ]
    if not targets and network_id in columns:
        targets = [(columns[network_id].network, _addresses(port_id, fixed_ips, floating))]
    return targets
