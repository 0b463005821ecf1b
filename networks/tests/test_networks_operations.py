"""Networks and subnets end to end: page or API -> Operation -> real worker -> real Neutron ->
mirror, against the local cloud."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import activity, shown
from dashboard.testing.waiting import operation_finished
from networks.models import Network, Subnet, SubnetPool
from networks.reconcile import reconcile_networks, reconcile_subnet_pools, reconcile_subnets

pytestmark = [pytest.mark.cloud]


def succeeded(response: Any) -> Operation:
    assert response.status_code == 202, response.content.decode()
    operation = operation_finished(response.json()["id"])
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    return operation


def test_create_a_network_with_its_first_subnet_then_edit_it(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    data = {
        "name": "blue",
        "mtu": 1400,
        "subnet_name": "blue-v4",
        "cidr": "10.61.0.0/24",
        "allocation_pools": ["10.61.0.10-10.61.0.50"],
        "dns_nameservers": ["9.9.9.9"],
    }

    created = succeeded(signed_in.post("/api/networks/", data, content_type="application/json"))
    cleanup(lambda: cloud.network.delete_network(created.result_id, ignore_missing=True))

    network = Network.objects.get(pk=created.result_id)
    assert (network.name, network.mtu, network.project_id) == ("blue", 1400, account.project.id)
    subnet = Subnet.objects.get(network_id=network.id)
    assert (subnet.name, subnet.cidr, subnet.gateway_ip) == ("blue-v4", "10.61.0.0/24", "10.61.0.1")
    assert subnet.allocation_pools == [{"start": "10.61.0.10", "end": "10.61.0.50"}]
    assert subnet.dns_nameservers == ["9.9.9.9"]
    assert cloud.network.get_subnet(subnet.id).cidr == "10.61.0.0/24"

    edited = succeeded(
        signed_in.patch(
            f"/api/networks/{network.id}/",
            {"name": "green", "mtu": 1300, "admin_state_up": False},
            content_type="application/json",
        )
    )

    assert edited.action == "networks.network_update"
    network.refresh_from_db()
    assert (network.name, network.mtu, network.admin_state_up) == ("green", 1300, False)
    assert cloud.network.get_network(network.id).name == "green"


def test_a_refused_first_subnet_takes_its_network_away_again(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    """Neutron refuses a /31 with DHCP (no room for a DHCP port and a gateway); the form lets it
    through as it is a valid CIDR, so the refusal comes from the real cloud."""
    data = {"name": "tiny", "cidr": "10.62.0.0/31", "no_gateway": True}

    response = signed_in.post("/api/networks/", data, content_type="application/json")
    operation = operation_finished(response.json()["id"])

    assert operation.status == Operation.Status.FAILED
    assert operation.error_message.startswith(
        "Nothing was created: network “tiny” was deleted again as its subnet failed. "
        "Could not create subnet"
    )
    assert "(Neutron 400, req-" in operation.error_message
    assert not list(cloud.network.networks(project_id=account.project.id, name="tiny"))
    assert not Network.objects.filter(name="tiny", project_id=account.project.id).exists()


@pytest.fixture
def network(cloud: Any, account: KeystoneAccount, db: None) -> Any:
    made = cloud.network.create_network(name="blue", project_id=account.project.id)
    reconcile_networks(conn=cloud, ids=[made.id])
    yield made
    cloud.network.delete_network(made, ignore_missing=True)


def test_an_ipv6_subnet_with_slaac(
    celery_worker: Any, signed_in: Client, network: Any, cloud: Any
) -> None:
    data = {
        "network_id": network.id,
        "name": "blue-v6",
        "cidr": "2001:db8:61::/64",
        "ipv6_ra_mode": "slaac",
        "ipv6_address_mode": "slaac",
    }

    created = succeeded(signed_in.post("/api/subnets/", data, content_type="application/json"))

    subnet = Subnet.objects.get(pk=created.result_id)
    assert (subnet.ip_version, subnet.cidr) == (6, "2001:db8:61::/64")
    assert (subnet.ipv6_ra_mode, subnet.ipv6_address_mode) == ("slaac", "slaac")
    assert subnet.gateway_ip == "2001:db8:61::"  # Neutron's IPv6 default


def test_a_subnet_from_a_shared_pool_with_a_prefix_length(
    celery_worker: Any,
    signed_in: Client,
    network: Any,
    cloud: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    pool = cloud.network.create_subnet_pool(
        name="test-shared-pool",
        prefixes=["172.29.0.0/16"],
        default_prefixlen=26,
        min_prefixlen=24,
        max_prefixlen=28,
        shared=True,
    )
    cleanup(lambda: cloud.network.delete_subnet_pool(pool, ignore_missing=True))
    reconcile_subnet_pools(conn=cloud, ids=[pool.id])
    assert SubnetPool.objects.get(pk=pool.id).shared

    data = {"network_id": network.id, "subnetpool_id": pool.id, "prefixlen": 27}
    created = succeeded(signed_in.post("/api/subnets/", data, content_type="application/json"))
    cleanup(lambda: cloud.network.delete_subnet(created.result_id, ignore_missing=True))

    subnet = Subnet.objects.get(pk=created.result_id)
    assert subnet.subnetpool_id == pool.id
    assert subnet.cidr.startswith("172.29.")
    assert subnet.cidr.endswith("/27")


def test_edit_a_subnets_pools_dns_and_host_routes(
    celery_worker: Any, signed_in: Client, network: Any, cloud: Any
) -> None:
    subnet = cloud.network.create_subnet(
        network_id=network.id, project_id=network.project_id, ip_version=4, cidr="10.63.0.0/24"
    )
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    page = signed_in.get(f"/network/subnets/{subnet.id}/edit/")
    assert "10.63.0.2-10.63.0.254" in page.content.decode()

    succeeded(
        signed_in.patch(
            f"/api/subnets/{subnet.id}/",
            {
                "gateway_ip": "10.63.0.254",
                "allocation_pools": ["10.63.0.10-10.63.0.20", "10.63.0.30-10.63.0.40"],
                "dns_nameservers": ["1.1.1.1", "9.9.9.9"],
                "host_routes": ["192.168.7.0/24,10.63.0.1"],
            },
            content_type="application/json",
        )
    )

    mirrored = Subnet.objects.get(pk=subnet.id)
    assert mirrored.gateway_ip == "10.63.0.254"
    assert mirrored.allocation_pools == [
        {"start": "10.63.0.10", "end": "10.63.0.20"},
        {"start": "10.63.0.30", "end": "10.63.0.40"},
    ]
    assert mirrored.dns_nameservers == ["1.1.1.1", "9.9.9.9"]
    assert mirrored.host_routes == [{"destination": "192.168.7.0/24", "nexthop": "10.63.0.1"}]
    assert cloud.network.get_subnet(subnet.id).gateway_ip == "10.63.0.254"


def test_delete_while_a_port_is_in_use_names_it(
    celery_worker: Any, signed_in: Client, network: Any, cloud: Any
) -> None:
    subnet = cloud.network.create_subnet(
        network_id=network.id, project_id=network.project_id, ip_version=4, cidr="10.64.0.0/24"
    )
    port = cloud.network.create_port(
        network_id=network.id,
        project_id=network.project_id,
        name="web-nic",
        device_owner="compute:nova",
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.64.0.5"}],
    )
    try:
        reconcile_subnets(conn=cloud, ids=[subnet.id])
        # The mirror has not seen the port yet: the page lets the delete through, Neutron refuses.
        response = signed_in.delete(f"/api/networks/{network.id}/")
        operation = operation_finished(response.json()["id"])

        assert operation.status == Operation.Status.FAILED
        assert operation.error_message.startswith(
            "Could not delete network “blue”: compute:nova “web-nic” (10.64.0.5) still use it."
        )
        assert "(Neutron 409, req-" in operation.error_message
        assert operation.request_id.startswith("req-")
        # Read later, each reader sees it in their own language; the port's name stays as it is.
        assert (
            "Could not delete network “blue”: compute:nova “web-nic” (10.64.0.5) still use it."
            in activity(signed_in)
        )
        assert (
            "无法删除网络“blue”：compute:nova “web-nic”（10.64.0.5）仍在使用它。请删除这些端口，"
            "或将它们从所属的实例和路由器上断开，然后重试。（Neutron 409, req-"
        ) in activity(signed_in, "zh-hans")

        # Now the mirror knows the port: the next attempt is refused before any cloud call.
        again = signed_in.post(
            f"/network/networks/{network.id}/delete/", headers={"HX-Request": "true"}
        )
        assert "compute:nova “web-nic” (10.64.0.5)" in shown(again)
        assert Operation.objects.count() == 1
    finally:
        cloud.network.delete_port(port, ignore_missing=True)
