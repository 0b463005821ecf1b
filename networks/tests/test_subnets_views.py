"""Subnet pages and API from the mirror: every check the form makes before any cloud call, the
edit and delete paths, and subnet pools as a choice."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import ResourceAPITests, ResourceViewTests
from networks.factories import (
    NetworkFactory,
    PortFactory,
    RBACPolicyFactory,
    RouterInterfaceFactory,
    SubnetFactory,
    SubnetPoolFactory,
)
from tenants.models import Quota

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}


def own_network(project_id: str) -> Any:
    return NetworkFactory(project_id=project_id, name="blue")


class TestSubnetViews(ResourceViewTests):
    factory = SubnetFactory
    list_url_name = "networks:subnet_list"
    detail_url_name = "networks:subnet_detail"
    create_url_name = "networks:subnet_create"
    create_action = "networks.subnet_create"
    invalid_data = {"cidr": "10.20.0.0/24", "gateway_ip": "10.21.0.1"}
    invalid_field = "gateway_ip"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"network_id": own_network(project_id).id, "cidr": "10.20.0.0/24"}


class TestSubnetAPI(ResourceAPITests):
    factory = SubnetFactory
    api_url = "/api/subnets/"
    create_action = "networks.subnet_create"
    invalid_data = {"cidr": "10.20.0.0/24", "allocation_pools": ["10.20.1.1-10.20.1.9"]}
    invalid_field = "allocation_pools"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"network_id": own_network(project_id).id, "cidr": "10.20.0.0/24"}


def post_subnet(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/api/subnets/", data, content_type="application/json")


def test_api_create_sends_neutron_ready_attributes(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    network = own_network(account.project.id)
    data = {
        "network_id": network.id,
        "name": "v4",
        "cidr": "10.20.0.0/24",
        "no_gateway": True,
        "allocation_pools": ["10.20.0.10-10.20.0.20"],
        "dns_nameservers": ["9.9.9.9", "1.1.1.1"],
        "host_routes": "192.168.0.0/24,10.20.0.1",
    }

    with django_capture_on_commit_callbacks():
        response = post_subnet(signed_in, data)

    assert response.status_code == 202, response.content.decode()
    assert Operation.objects.get().params == {
        "network_id": network.id,
        "description": "",
        "attributes": {
            "name": "v4",
            "ip_version": 4,
            "cidr": "10.20.0.0/24",
            "enable_dhcp": True,  # left out by the client: Neutron's default
            "gateway_ip": None,
            "allocation_pools": [{"start": "10.20.0.10", "end": "10.20.0.20"}],
            "dns_nameservers": ["9.9.9.9", "1.1.1.1"],
            "host_routes": [{"destination": "192.168.0.0/24", "nexthop": "10.20.0.1"}],
        },
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"cidr": "10.20.0.7/24"}, "cidr", "has host bits set"),
        ({"cidr": "nonsense/24"}, "cidr", "is not a CIDR"),
        ({"cidr": "10.20.0.0/24", "gateway_ip": "10.20.0.255"}, "gateway_ip", "broadcast"),
        (
            {"cidr": "10.20.0.0/24", "allocation_pools": "10.20.0.9-10.20.0.2"},
            "allocation_pools",
            "ends before",
        ),
        (
            {
                "cidr": "10.20.0.0/24",
                "gateway_ip": "10.20.0.5",
                "allocation_pools": "10.20.0.2-10.20.0.9",
            },
            "allocation_pools",
            "gateway 10.20.0.5 is inside the pool",
        ),
        ({"cidr": "10.20.0.0/24", "dns_nameservers": "resolver"}, "dns_nameservers", "not an IP"),
        (
            {"cidr": "10.20.0.0/24", "ipv6_address_mode": "slaac"},
            "ipv6_address_mode",
            "IPv6 subnets only",
        ),
        (
            {"cidr": "10.20.0.0/24", "gateway_ip": "10.20.0.1", "no_gateway": True},
            "gateway_ip",
            "not both",
        ),
        ({}, "cidr", "Give the subnet's CIDR, or choose a subnet pool"),
    ],
)
def test_the_form_catches_bad_input_before_any_cloud_call(
    signed_in: Client, account: KeystoneAccount, data: dict[str, Any], field: str, message: str
) -> None:
    network = own_network(account.project.id)

    response = post_subnet(signed_in, {"network_id": network.id, **data})

    assert response.status_code == 400
    assert message in response.json()[field][0]["message"]
    assert not Operation.objects.exists()


def test_overlaps_on_the_network_and_on_its_routers_are_refused(
    signed_in: Client, account: KeystoneAccount
) -> None:
    project = account.project.id
    network = own_network(project)
    SubnetFactory(network=network, project_id=project, name="blue-v4", cidr="10.20.0.0/16")
    other = NetworkFactory(project_id=project)
    routed = SubnetFactory(network=other, project_id=project, name="red-v4", cidr="10.30.0.0/24")
    interface = RouterInterfaceFactory(
        network=network,
        project_id=project,
        fixed_ips=[{"subnet_id": "x", "ip_address": "10.20.0.1"}],
    )
    RouterInterfaceFactory(
        network=other,
        project_id=project,
        device_id=interface.device_id,
        fixed_ips=[{"subnet_id": routed.id, "ip_address": "10.30.0.1"}],
    )

    same_network = post_subnet(signed_in, {"network_id": network.id, "cidr": "10.20.5.0/24"})
    same_router = post_subnet(signed_in, {"network_id": network.id, "cidr": "10.30.0.0/25"})

    assert (
        "overlaps subnet “blue-v4” (10.20.0.0/16) on this network"
        in (same_network.json()["cidr"][0]["message"])
    )
    assert (
        "overlaps subnet “red-v4” (10.30.0.0/24) on a router this network is attached to"
        in (same_router.json()["cidr"][0]["message"])
    )


def test_networks_of_other_projects_are_no_choice(
    signed_in: Client, account: KeystoneAccount
) -> None:
    shared = NetworkFactory(project_id="someone-else", shared=True, name="common")

    form = signed_in.get("/network/subnets/create/").content.decode()
    response = post_subnet(signed_in, {"network_id": shared.id, "cidr": "10.20.0.0/24"})

    assert "common" not in form
    assert "not a network of your project" in response.json()["network_id"][0]["message"]


def test_subnet_pools_are_own_and_shared_ones_with_their_prefix_lengths(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    network = own_network(account.project.id)
    shared = SubnetPoolFactory(project_id="admin", shared=True, name="shared-pool")
    hidden = SubnetPoolFactory(project_id="someone-else", name="their-pool")

    form = signed_in.get(f"/network/subnets/create/?network={network.id}").content.decode()
    too_big = post_subnet(
        signed_in, {"network_id": network.id, "subnetpool_id": shared.id, "prefixlen": 20}
    )
    foreign = post_subnet(signed_in, {"network_id": network.id, "subnetpool_id": hidden.id})
    with django_capture_on_commit_callbacks():
        ok = post_subnet(signed_in, {"network_id": network.id, "subnetpool_id": shared.id})

    assert "shared-pool" in form
    assert "their-pool" not in form
    assert f'<option value="{network.id}" selected>' in form
    assert "gives prefix lengths from /24 to /28" in too_big.json()["prefixlen"][0]["message"]
    assert "subnetpool_id" in foreign.json()
    assert ok.status_code == 202, ok.content.decode()
    attributes = Operation.objects.get().params["attributes"]
    assert (attributes["subnetpool_id"], attributes["prefixlen"]) == (shared.id, 26)
    assert "cidr" not in attributes


def test_quota_used_up_is_refused_before_any_cloud_call(
    signed_in: Client, account: KeystoneAccount
) -> None:
    project = account.project.id
    network = own_network(project)
    SubnetFactory.create_batch(2, project_id=project, network=network)
    Quota.objects.create(
        id=f"{project}:network:subnet",
        project_id=project,
        service="network",
        resource="subnet",
        limit=2,
        in_use=0,  # what the last quota sweep read: the mirror's count is newer
        synced_at=timezone.now(),
    )

    response = post_subnet(signed_in, {"network_id": network.id, "cidr": "10.20.0.0/24"})

    assert response.status_code == 400
    assert "used 2 of 2" in response.json()["__all__"][0]["message"]
    assert not Operation.objects.exists()


def test_edit_shows_lines_and_sends_the_changes_with_the_revision(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    subnet = SubnetFactory(
        project_id=account.project.id,
        cidr="10.40.0.0/24",
        gateway_ip="10.40.0.1",
        allocation_pools=[{"start": "10.40.0.2", "end": "10.40.0.254"}],
        dns_nameservers=["9.9.9.9"],
        host_routes=[{"destination": "192.168.0.0/24", "nexthop": "10.40.0.1"}],
        revision_number=3,
    )

    form = signed_in.get(f"/network/subnets/{subnet.id}/edit/").content.decode()
    with django_capture_on_commit_callbacks():
        signed_in.post(
            f"/network/subnets/{subnet.id}/edit/",
            {
                "name": "renamed",
                "gateway_ip": "10.40.0.254",
                "allocation_pools": "10.40.0.10-10.40.0.99\n10.40.0.150-10.40.0.199",
                "dns_nameservers": "1.1.1.1\n9.9.9.9",
                "host_routes": "",
            },
            headers=HTMX,
        )

    assert "10.40.0.2-10.40.0.254" in form
    assert "192.168.0.0/24,10.40.0.1" in form
    operation = Operation.objects.get()
    assert operation.params == {
        "subnet_id": subnet.id,
        "revision_number": 3,
        "changes": {
            "name": "renamed",
            "description": "",
            "enable_dhcp": False,
            "gateway_ip": "10.40.0.254",
            "allocation_pools": [
                {"start": "10.40.0.10", "end": "10.40.0.99"},
                {"start": "10.40.0.150", "end": "10.40.0.199"},
            ],
            "dns_nameservers": ["1.1.1.1", "9.9.9.9"],
            "host_routes": [],
        },
    }


def test_edit_needs_a_gateway_or_no_gateway(signed_in: Client, account: KeystoneAccount) -> None:
    subnet = SubnetFactory(project_id=account.project.id)

    response = signed_in.patch(
        f"/api/subnets/{subnet.id}/", {"gateway_ip": ""}, content_type="application/json"
    )

    assert "or tick “No gateway”" in response.json()["gateway_ip"][0]["message"]


def test_delete_is_refused_while_ports_have_addresses_on_it(
    signed_in: Client, account: KeystoneAccount
) -> None:
    subnet = SubnetFactory(project_id=account.project.id, name="busy-v4")
    PortFactory(
        network=subnet.network,
        project_id=account.project.id,
        device_owner="network:dhcp",
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.50.0.2"}],
    )
    PortFactory(
        network=subnet.network,
        project_id=account.project.id,
        device_owner="network:router_interface",
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.50.0.1"}],
    )

    page = shown(signed_in.post(f"/network/subnets/{subnet.id}/delete/", headers=HTMX))
    bulk = signed_in.post("/network/subnets/delete/", {"pk": [subnet.id]}, headers=HTMX)

    assert (
        "Subnet “busy-v4” still has addresses in use by network:router_interface port (10.50.0.1)"
        in page
    )
    assert "10.50.0.2" not in page
    assert "still has addresses in use" in bulk.content.decode()
    assert not Operation.objects.exists()


def test_subnet_pools_api_lists_own_and_shared(signed_in: Client, account: KeystoneAccount) -> None:
    own = SubnetPoolFactory(project_id=account.project.id)
    shared = SubnetPoolFactory(project_id="admin", shared=True)
    foreign = SubnetPoolFactory(project_id="someone-else")

    ids = [pool["id"] for pool in signed_in.get("/api/subnet-pools/").json()["results"]]

    assert set(ids) >= {own.id, shared.id}
    assert foreign.id not in ids


def test_a_subnet_pool_shared_by_rbac_is_seen_and_shared_where_its_entry_says(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """As Neutron shows it: shared with this project only, the pool is listed and `shared`
    here; shared with another project only, it is not listed here."""
    ours = SubnetPoolFactory(project_id="admin", name="for-us")
    RBACPolicyFactory(
        object_type="subnetpool", object_id=ours.id, target_project_id=account.project.id
    )
    theirs = SubnetPoolFactory(project_id="admin", name="for-them")
    RBACPolicyFactory(object_type="subnetpool", object_id=theirs.id, target_project_id="other")

    listed = {pool["name"]: pool for pool in signed_in.get("/api/subnet-pools/").json()["results"]}
    shared = signed_in.get("/api/subnet-pools/?shared=true").json()["results"]

    assert listed["for-us"]["shared"] is True
    assert "for-them" not in listed
    assert [pool["name"] for pool in shared] == ["for-us"]


def test_a_member_without_the_member_role_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    subnet = SubnetFactory(project_id=reader.project.id)

    listing = client.get("/network/subnets/").content.decode()
    detail = client.get(f"/network/subnets/{subnet.id}/").content.decode()
    edited = client.patch(
        f"/api/subnets/{subnet.id}/", {"name": "renamed"}, content_type="application/json"
    )
    deleted = client.delete(f"/api/subnets/{subnet.id}/")

    assert "Create subnet" not in listing
    assert f"/network/subnets/{subnet.id}/delete/" not in listing
    for url in ("/edit/", "/delete/"):
        assert f"/network/subnets/{subnet.id}{url}" not in detail
    assert (edited.status_code, deleted.status_code) == (403, 403)
    assert not Operation.objects.exists()
