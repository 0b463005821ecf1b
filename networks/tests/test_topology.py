"""The topology graph: from the mirror, the project's objects only, compact and laid out."""

from typing import Any

import pytest
from django.test import Client

from dashboard.mirror.live import mirror_changed
from dashboard.mirror.scopes import project_scope
from dashboard.testing.fixtures import KeystoneAccount
from instances.factories import ServerFactory
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SubnetFactory,
)
from networks.selectors.topology import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    SUBNET_HEIGHT,
    URL_ID,
    topology_graph,
)

pytestmark = pytest.mark.django_db


def expanded(graph: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The compact graph's nodes and edges as dicts by element id, as topology.js reads them:
    ends and subnets' networks by element id, URLs filled in."""
    nodes = [dict(zip(NODE_COLUMNS, row, strict=False)) for row in graph["nodes"]]
    ids = [f"{node['kind']}:{node['id']}" for node in nodes]
    for node in nodes:
        extra = node.pop("extra", {})
        node.update(extra)
        if "network" in extra:
            node["network"] = ids[extra["network"]]
        node["url"] = graph["urls"].get(node["kind"], "").replace(URL_ID, node["id"])
    edges = [dict(zip(EDGE_COLUMNS, row, strict=True)) for row in graph["edges"]]
    for edge in edges:
        edge["source"], edge["target"] = ids[edge["source"]], ids[edge["target"]]
    return dict(zip(ids, nodes, strict=True)), {f"{e['kind']}:{e['key']}": e for e in edges}


def _port_on(subnet: Any, address: str, **fields: Any) -> Any:
    return PortFactory(
        project_id=subnet.project_id,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
        **fields,
    )


@pytest.fixture
def two_routers_three_networks() -> dict[str, Any]:
    """Project `p`: networks a, b, c; router r1 (gateway on `public`, interfaces on a and b),
    router r2 (interface on c); a server on a with a floating IP; a free port on c; DHCP on a."""
    project = "p"
    public = NetworkFactory(project_id="admin", name="public", router_external=True)
    SubnetFactory(project_id="admin", network=public, cidr="203.0.113.0/24")
    networks = {name: NetworkFactory(project_id=project, name=name) for name in "abc"}
    subnets = {
        name: SubnetFactory(project_id=project, network=network, cidr=f"10.0.{i}.0/24")
        for i, (name, network) in enumerate(networks.items())
    }
    r1 = RouterFactory(
        project_id=project,
        name="r1",
        external_network=public,
        enable_snat=True,
        external_gateway_info={
            "network_id": public.id,
            "enable_snat": True,
            "external_fixed_ips": [{"subnet_id": "x", "ip_address": "203.0.113.5"}],
        },
    )
    r2 = RouterFactory(project_id=project, name="r2")
    interfaces = [
        RouterInterfaceFactory(
            project_id=project,
            router=router,
            network=subnets[name].network,
            fixed_ips=[{"subnet_id": subnets[name].id, "ip_address": f"10.0.{i}.1"}],
        )
        for i, (name, router) in enumerate([("a", r1), ("b", r1), ("c", r2)])
    ]
    server = ServerFactory(project_id=project, name="web")
    nic = _port_on(subnets["a"], "10.0.0.10", device_owner="compute:nova", device_id=server.id)
    FloatingIPFactory(
        project_id=project,
        floating_network=public,
        floating_ip_address="203.0.113.20",
        port=nic,
        fixed_ip_address="10.0.0.10",
    )
    free = _port_on(subnets["c"], "10.0.2.50", name="spare", device_owner="", device_id="")
    _port_on(subnets["a"], "10.0.0.2", device_owner="network:dhcp", device_id="dhcp")
    foreign = NetworkFactory(project_id="q", name="theirs")
    RouterFactory(project_id="q", name="their-router")
    return {
        "public": public,
        "networks": networks,
        "subnets": subnets,
        "routers": (r1, r2),
        "interfaces": interfaces,
        "server": server,
        "nic": nic,
        "free": free,
        "foreign": foreign,
    }


def test_graph_of_two_routers_and_three_networks(
    two_routers_three_networks: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    world = two_routers_three_networks
    r1, r2 = world["routers"]

    with django_assert_max_num_queries(6):
        nodes, edges = expanded(topology_graph(project_id="p"))

    network_ids = {f"network:{n.id}" for n in world["networks"].values()}
    assert {i for i, n in nodes.items() if n["kind"] == "network"} == network_ids | {
        f"network:{world['public'].id}"
    }
    assert {nodes[f"subnet:{s.id}"]["network"] for s in world["subnets"].values()} == network_ids
    assert {i for i, n in nodes.items() if n["kind"] == "router"} == {
        f"router:{r1.id}",
        f"router:{r2.id}",
    }
    assert nodes[f"server:{world['server'].id}"]["floating_ips"] == ["203.0.113.20"]
    assert nodes[f"port:{world['free'].id}"]["label"] == "spare"
    assert edges[f"gateway:{r1.id}"] == {
        "kind": "gateway",
        "key": r1.id,
        "source": f"router:{r1.id}",
        "target": f"network:{world['public'].id}",
        "label": "203.0.113.5",
        "status": "",
    }
    assert nodes[f"router:{r1.id}"]["url"] == f"/network/routers/{r1.id}/"
    interface_edges = {
        (e["source"], e["target"]) for e in edges.values() if e["kind"] == "interface"
    }
    assert interface_edges == {
        (f"router:{r1.id}", f"subnet:{world['subnets']['a'].id}"),
        (f"router:{r1.id}", f"subnet:{world['subnets']['b'].id}"),
        (f"router:{r2.id}", f"subnet:{world['subnets']['c'].id}"),
    }
    assert edges[f"nic:{world['nic'].id}"]["label"] == "10.0.0.10 ↔ 203.0.113.20"
    assert edges[f"attachment:{world['free'].id}"]["target"] == f"subnet:{world['subnets']['c'].id}"
    assert not [n for n in nodes.values() if n["label"] in ("theirs", "their-router")]
    assert len(edges) == 6  # gateway, 3 interfaces, the server's NIC, the free port; no DHCP


@pytest.mark.cloud
def test_page_and_json_render_the_session_projects_graph_only(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    mine = NetworkFactory(project_id=account.project.id, name="mine")
    NetworkFactory(project_id="q", name="theirs")

    page = signed_in.get("/network/topology/").content.decode()
    data = signed_in.get("/network/topology/graph.json").json()
    listed = signed_in.get("/network/topology/", headers={"HX-Request": "true"}).content.decode()

    assert 'id="topology"' in page
    assert 'hx-trigger="revealed once"' in page  # the list view loads when scrolled to
    assert [row[2] for row in data["nodes"]] == ["mine"]
    assert data["edges"] == []
    assert listed.lstrip().startswith('<section id="topology-list"')
    assert f'<a href="/network/networks/{mine.id}/">mine</a>' in listed
    assert "theirs" not in listed


def test_graph_json_needs_a_signed_in_user(client: Client) -> None:
    assert client.get("/network/topology/graph.json").status_code == 401


def dual_stack_server(project_id: str, *, v6_name: str = "v6") -> dict[str, Any]:
    """Mirror rows: a server whose port has an IPv4 address (with a floating IP) on subnet `v4`
    and two IPv6 addresses on subnet `v6_name`, both of network `dual`."""
    network = NetworkFactory(project_id=project_id, name="dual")
    v4 = SubnetFactory(project_id=project_id, network=network, name="v4", cidr="10.0.0.0/24")
    v6 = SubnetFactory(
        project_id=project_id, network=network, name=v6_name, cidr="2001:db8::/64", ip_version=6
    )
    server = ServerFactory(project_id=project_id, name="web")
    port = PortFactory(
        project_id=project_id,
        network=network,
        device_owner="compute:nova",
        device_id=server.id,
        fixed_ips=[
            {"subnet_id": v6.id, "ip_address": "2001:db8::10"},
            {"subnet_id": v4.id, "ip_address": "10.0.0.10"},
            {"subnet_id": v6.id, "ip_address": "2001:db8::11"},
        ],
    )
    FloatingIPFactory(
        project_id=project_id,
        floating_network=None,
        floating_ip_address="203.0.113.20",
        port=port,
        fixed_ip_address="10.0.0.10",
    )
    return {"server": server, "port": port, "v4": v4, "v6": v6}


def test_each_subnet_edge_carries_only_the_ports_addresses_on_that_subnet() -> None:
    world = dual_stack_server("p")

    edges = list(expanded(topology_graph(project_id="p"))[1].values())

    assert {edge["target"]: edge["label"] for edge in edges} == {
        f"subnet:{world['v6'].id}": "2001:db8::10, 2001:db8::11",
        f"subnet:{world['v4'].id}": "10.0.0.10 ↔ 203.0.113.20",
    }
    assert {edge["source"] for edge in edges} == {f"server:{world['server'].id}"}
    assert len({edge["key"] for edge in edges}) == 2


@pytest.mark.cloud
def test_the_list_view_groups_addresses_by_subnet_as_the_picture_does(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    dual_stack_server(account.project.id)

    listed = signed_in.get("/network/topology/", headers={"HX-Request": "true"}).content.decode()

    assert "<li>v4 10.0.0.0/24: 10.0.0.10 ↔ 203.0.113.20</li>" in listed
    assert "<li>v6 2001:db8::/64: 2001:db8::10, 2001:db8::11</li>" in listed


def test_the_layout_puts_subnets_in_their_network_routers_above_and_no_two_nodes_together(
    two_routers_three_networks: dict[str, Any],
) -> None:
    world = two_routers_three_networks
    for number in range(30):
        ServerFactory(project_id="p", name=f"more-{number}")
    subnet = world["subnets"]["a"]
    for number in range(20):
        _port_on(subnet, f"10.0.0.{100 + number}", device_owner="", device_id="")

    nodes, _edges = expanded(topology_graph(project_id="p"))

    drawn = [(n["x"], n["y"]) for n in nodes.values() if n["kind"] != "network"]
    assert len(set(drawn)) == len(drawn)
    network_a = nodes[f"network:{world['networks']['a'].id}"]
    assert nodes[f"subnet:{subnet.id}"]["x"] == network_a["x"]
    assert abs(nodes[f"subnet:{subnet.id}"]["y"] - network_a["y"]) < network_a["height"] / 2
    under_a = [
        n for n in nodes.values() if n["kind"] == "port" and n["label"].startswith("10.0.0.")
    ]
    assert len(under_a) == 20
    box_bottom = network_a["y"] + network_a["height"] / 2
    assert all(n["y"] > box_bottom + SUBNET_HEIGHT and n["x"] >= network_a["x"] for n in under_a)
    assert all(n["y"] < 0 for n in nodes.values() if n["kind"] == "router")
    public = nodes[f"network:{world['public'].id}"]
    assert public["x"] < network_a["x"]  # external networks first


def test_the_number_of_queries_does_not_grow_with_the_graph(
    two_routers_three_networks: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(6):
        topology_graph(project_id="p")
    network = NetworkFactory(project_id="p", name="d")
    subnet = SubnetFactory(project_id="p", network=network, cidr="10.0.9.0/24")
    for number in range(40):
        server = ServerFactory(project_id="p", name=f"vm-{number}")
        _port_on(subnet, f"10.0.9.{10 + number}", device_owner="compute:nova", device_id=server.id)

    with django_assert_num_queries(6):
        topology_graph(project_id="p")


@pytest.mark.cloud
def test_graph_json_answers_304_until_the_mirror_changes(
    signed_in: Client,
    account: KeystoneAccount,
    no_cloud_calls: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    NetworkFactory(project_id=account.project.id, name="first")
    url = "/network/topology/graph.json"

    first = signed_in.get(url)
    again = signed_in.get(url, headers={"If-None-Match": first["ETag"]})
    with django_capture_on_commit_callbacks(execute=True):
        mirror_changed(scopes={project_scope(account.project.id)})
    changed = signed_in.get(url, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"]
    assert again.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
