"""The local cloud is complete enough for the dashboard: a tenant's whole L3 and compute story.

Runs as a fresh member of a fresh project, through the dashboard's own cloud layer.
"""

import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from dashboard.testing.waiting import servers_deleted

pytestmark = [pytest.mark.cloud]

EXTERNAL_NETWORK = "public"


def test_tenant_builds_l3_boots_a_server_and_gets_a_console(
    tenant_connection: Any, cloud: Any, cleanup: Callable[[Callable[[], Any]], None]
) -> None:
    tenant = tenant_connection
    net = tenant.network
    public = net.find_network(EXTERNAL_NETWORK, ignore_missing=False)
    public_subnet = net.find_subnet("public-subnet", network_id=public.id, ignore_missing=False)

    network = net.create_network(name="smoke-net")
    cleanup(lambda: net.delete_network(network, ignore_missing=True))
    subnet = net.create_subnet(
        network_id=network.id, ip_version=4, cidr="10.42.0.0/24", name="smoke-subnet"
    )
    cleanup(lambda: net.delete_subnet(subnet, ignore_missing=True))

    # The local cloud's policy lets members choose SNAT and the gateway's fixed IP.
    router = net.create_router(
        name="smoke-router",
        external_gateway_info={
            "network_id": public.id,
            "enable_snat": False,
            "external_fixed_ips": [{"subnet_id": public_subnet.id}],
        },
    )
    cleanup(lambda: net.delete_router(router, ignore_missing=True))
    assert router.external_gateway_info["network_id"] == public.id
    assert router.external_gateway_info["enable_snat"] is False
    net.add_interface_to_router(router, subnet_id=subnet.id)
    cleanup(lambda: net.remove_interface_from_router(router, subnet_id=subnet.id))
    routes = {"router": {"routes": [{"destination": "10.99.0.0/24", "nexthop": "10.42.0.10"}]}}
    net.add_extra_routes_to_router(router, routes)
    cleanup(lambda: net.remove_extra_routes_from_router(router, routes))
    assert net.get_router(router).routes == [
        {"destination": "10.99.0.0/24", "nexthop": "10.42.0.10"}
    ]

    floating_ip = net.create_ip(floating_network_id=public.id)
    cleanup(lambda: net.delete_ip(floating_ip, ignore_missing=True))

    compute = tenant.compute
    flavor = compute.find_flavor("m1.nano", ignore_missing=False)
    image = tenant.image.find_image("cirros-fake", ignore_missing=False)
    server = compute.create_server(
        name="smoke-server",
        flavor_id=flavor.id,
        image_id=image.id,
        networks=[{"uuid": network.id}],
    )

    cleanup(lambda: servers_deleted(tenant, server))
    server = compute.wait_for_server(server, status="ACTIVE", wait=120)
    assert server.status == "ACTIVE"

    port = next(net.ports(device_id=server.id))
    net.update_ip(floating_ip, port_id=port.id)
    cleanup(lambda: net.update_ip(floating_ip, port_id=None))
    assert net.get_ip(floating_ip).fixed_ip_address == port.fixed_ips[0]["ip_address"]

    console = compute.create_server_remote_console(server, protocol="vnc", type="novnc")
    assert console.url.startswith("http://127.0.0.1:6080/vnc_lite.html?path=")
    assert "token" in console.url
    # nova-novncproxy answers with the noVNC page (`devcloud smoke` follows its websocket too).
    with urllib.request.urlopen(console.url, timeout=30) as page:
        assert page.status == 200
        assert 'import RFB from "./core/rfb.js"' in page.read().decode()
