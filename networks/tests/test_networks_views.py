"""Network pages and API from the mirror: list, detail, create (with a first subnet), edit,
delete refused while ports are in use, bulk delete, and the fields only admins get."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import ResourceAPITests, ResourceViewTests
from networks.factories import (
    NetworkFactory,
    PortFactory,
    RBACPolicyFactory,
    RouterFactory,
    SubnetFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}
ADMIN_FIELDS = ("shared", "router_external", "provider_network_type", "provider_segmentation_id")


@pytest.fixture
def signed_in_admin(client: Client, make_account: Callable[..., KeystoneAccount]) -> Client:
    """The test client, signed in as a user with the admin role on a new project."""
    account = make_account(roles=("admin",))
    assert client.post("/auth/login/", account.credentials()).status_code == 302
    client.account = account  # type: ignore[attr-defined]
    return client


class TestNetworkViews(ResourceViewTests):
    factory = NetworkFactory
    list_url_name = "networks:network_list"
    detail_url_name = "networks:network_detail"
    create_url_name = "networks:network_create"
    create_action = "networks.network_create"
    invalid_data = {"cidr": "10.0.0.5/24"}
    invalid_field = "cidr"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "blue", "admin_state_up": "on", "cidr": "10.9.0.0/24"}


class TestNetworkAPI(ResourceAPITests):
    factory = NetworkFactory
    api_url = "/api/networks/"
    create_action = "networks.network_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "blue"}


def test_list_shows_own_shared_and_external_networks_only(
    signed_in: Client, account: KeystoneAccount, django_assert_max_num_queries: Any
) -> None:
    own = NetworkFactory(project_id=account.project.id, name="mine")
    external = NetworkFactory(project_id="admin-project", name="public", router_external=True)
    foreign = NetworkFactory(project_id="someone-else", name="theirs")

    with django_assert_max_num_queries(8):
        page = signed_in.get("/network/networks/").content.decode()

    assert own.name in page
    assert external.name in page
    assert foreign.name not in page
    assert f'action="/network/networks/{own.id}/delete/"' in page
    assert f'href="/network/networks/{own.id}/edit/"' in page
    assert f'action="/network/networks/{external.id}/delete/"' not in page


def test_without_htmx_a_change_redirects_back_with_a_message(signed_in: Client) -> None:
    response = signed_in.post("/network/networks/create/", {"name": "plain"}, follow=True)

    assert response.redirect_chain == [("/network/networks/", 302)]
    assert "Started: Create network “plain”" in shown(response)


def test_detail_shows_subnets_ports_and_what_they_attach(
    signed_in: Client, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id, name="blue")
    subnet = SubnetFactory(network=network, project_id=account.project.id, name="blue-v4")
    router = RouterFactory(project_id=account.project.id, name="edge")
    PortFactory(
        network=network,
        project_id=account.project.id,
        device_owner="network:router_interface",
        device_id=router.id,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.9.9.1"}],
    )

    page = signed_in.get(f"/network/networks/{network.id}/").content.decode()

    assert "blue-v4" in page
    assert f'href="/network/subnets/{subnet.id}/edit/"' in page
    assert "network:router_interface" in page
    assert "Router “edge”" in page
    assert "10.9.9.1" in page
    assert f'href="/network/networks/{network.id}/edit/"' in page


def test_a_shared_network_of_another_project_shows_no_changes(signed_in: Client) -> None:
    shared = NetworkFactory(project_id="someone-else", name="common", shared=True)

    page = signed_in.get(f"/network/networks/{shared.id}/").content.decode()

    assert "common" in page
    assert "/edit/" not in page
    assert "/delete/" not in page
    assert "Add subnet" not in page


def test_create_with_a_first_subnet_sends_both_in_one_operation(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    data = {
        "name": "blue",
        "admin_state_up": "on",
        "mtu": "1400",
        "subnet_name": "blue-v4",
        "cidr": "10.9.0.0/24",
        "gateway_ip": "10.9.0.254",
        "enable_dhcp": "on",
        "allocation_pools": "10.9.0.10-10.9.0.50",
        "dns_nameservers": "9.9.9.9",
        "host_routes": "192.168.0.0/24,10.9.0.1",
    }

    with django_capture_on_commit_callbacks():
        signed_in.post("/network/networks/create/", data, headers=HTMX)

    operation = Operation.objects.get()
    assert operation.params == {
        "name": "blue",
        "description": "",
        "attributes": {"admin_state_up": True, "mtu": 1400, "port_security_enabled": False},
        "subnet": {
            "name": "blue-v4",
            "ip_version": 4,
            "cidr": "10.9.0.0/24",
            "gateway_ip": "10.9.0.254",
            "enable_dhcp": True,
            "allocation_pools": [{"start": "10.9.0.10", "end": "10.9.0.50"}],
            "dns_nameservers": ["9.9.9.9"],
            "host_routes": [{"destination": "192.168.0.0/24", "nexthop": "10.9.0.1"}],
        },
    }


def test_subnet_settings_without_a_cidr_are_refused(signed_in: Client) -> None:
    response = signed_in.post(
        "/network/networks/create/", {"name": "blue", "dns_nameservers": "9.9.9.9"}, headers=HTMX
    )

    assert "These settings need a subnet: DNS name servers" in response.content.decode()
    assert not Operation.objects.exists()


def test_members_get_no_admin_fields_and_posting_them_is_refused(signed_in: Client) -> None:
    form = signed_in.get("/network/networks/create/").content.decode()
    posted = signed_in.post(
        "/api/networks/", {"name": "blue", "shared": True}, content_type="application/json"
    )

    for field in ADMIN_FIELDS:
        assert f'name="{field}"' not in form
    assert posted.status_code == 400
    assert "shared" in posted.json()
    assert not Operation.objects.exists()


def test_admins_set_provider_attributes_and_external(
    signed_in_admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    form = signed_in_admin.get("/network/networks/create/").content.decode()
    data = {
        "name": "uplink",
        "router_external": True,
        "shared": True,
        "provider_network_type": "vlan",
        "provider_physical_network": "public",
        "provider_segmentation_id": 42,
    }

    with django_capture_on_commit_callbacks():
        response = signed_in_admin.post("/api/networks/", data, content_type="application/json")

    for field in ADMIN_FIELDS:
        assert f'name="{field}"' in form
    assert response.status_code == 202, response.content.decode()
    assert Operation.objects.get().params["attributes"] == {
        "admin_state_up": True,
        "port_security_enabled": True,
        "shared": True,
        "router:external": True,
        "provider:network_type": "vlan",
        "provider:physical_network": "public",
        "provider:segmentation_id": 42,
    }


def test_provider_values_must_fit_the_network_type(signed_in_admin: Client) -> None:
    data = {"name": "bad", "provider_network_type": "flat", "provider_segmentation_id": 7}

    response = signed_in_admin.post("/api/networks/", data, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"provider_physical_network", "provider_segmentation_id"}


def test_edit_form_shows_current_values_and_sends_the_revision(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    network = NetworkFactory(
        project_id=account.project.id, name="blue", mtu=1450, revision_number=7
    )

    form = signed_in.get(f"/network/networks/{network.id}/edit/").content.decode()
    with django_capture_on_commit_callbacks():
        signed_in.post(
            f"/network/networks/{network.id}/edit/",
            {"name": "green", "mtu": "1400", "admin_state_up": "on"},
            headers=HTMX,
        )

    assert 'value="blue"' in form
    assert 'value="1450"' in form
    assert 'name="shared"' not in form
    operation = Operation.objects.get()
    assert operation.action == "networks.network_update"
    assert operation.params == {
        "network_id": network.id,
        "revision_number": 7,
        "changes": {
            "name": "green",
            "description": "",
            "admin_state_up": True,
            "mtu": 1400,
            "port_security_enabled": False,
        },
    }


def test_api_edit_leaves_what_it_omits_unchanged(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    network = NetworkFactory(
        project_id=account.project.id, name="blue", admin_state_up=False, description="keep"
    )

    with django_capture_on_commit_callbacks():
        response = signed_in.patch(
            f"/api/networks/{network.id}/", {"name": "green"}, content_type="application/json"
        )

    assert response.status_code == 202, response.content.decode()
    changes = Operation.objects.get().params["changes"]
    assert changes["name"] == "green"
    assert (changes["description"], changes["admin_state_up"]) == ("keep", False)


def test_rbac_entries_decide_which_networks_are_seen_and_which_are_shared(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """As Neutron shows them: a network shared with this project (only) is listed and `shared`;
    one shared with another project, or external to another project only, is not listed."""
    project = account.project.id
    mine = NetworkFactory(project_id="someone-else", name="for-us", everyone=False)
    RBACPolicyFactory(object_id=mine.id, target_project_id=project)
    theirs = NetworkFactory(project_id="someone-else", name="for-them", everyone=False)
    RBACPolicyFactory(object_id=theirs.id, target_project_id="a-third-project")
    hidden_external = NetworkFactory(
        project_id="admin-project", name="ext-for-them", router_external=True, everyone=False
    )
    RBACPolicyFactory(
        object_id=hidden_external.id,
        action="access_as_external",
        target_project_id="a-third-project",
    )
    own_shared_elsewhere = NetworkFactory(project_id=project, name="ours", everyone=False)
    RBACPolicyFactory(object_id=own_shared_elsewhere.id, target_project_id="a-third-project")

    listed = {row["name"]: row for row in signed_in.get("/api/networks/").json()["results"]}
    only_shared = signed_in.get("/api/networks/?shared=true").json()["results"]
    page = signed_in.get("/network/networks/").content.decode()

    assert set(listed) >= {"for-us", "ours"}
    assert {"for-them", "ext-for-them"}.isdisjoint(listed)
    assert listed["for-us"]["shared"] is True
    assert listed["ours"]["shared"] is False  # as Neutron shows it to its owner
    assert [row["name"] for row in only_shared] == ["for-us"]
    assert "for-them" not in page
    for network in (theirs, hidden_external):
        assert signed_in.get(f"/network/networks/{network.id}/").status_code == 404
    detail = signed_in.get(f"/network/networks/{mine.id}/").content.decode()
    assert '<dt class="col-sm-2">Shared</dt><dd class="col-sm-10">Yes</dd>' in detail


def test_external_network_lists_no_ports_of_other_projects(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """Neutron shows a project none of the other projects' ports on an external or shared
    network: not their gateways, floating IPs or instances' ports."""
    public = NetworkFactory(project_id="admin-project", name="public", router_external=True)
    other = "demo-project"
    router = RouterFactory(project_id=other, name="demo-router")
    for owner, device_id, address in (
        ("network:router_gateway", router.id, "203.0.113.50"),
        ("network:floatingip", "fip-id", "203.0.113.51"),
        ("compute:nova", "demo-server", "203.0.113.52"),
    ):
        PortFactory(
            network=public,
            project_id=other,
            device_owner=owner,
            device_id=device_id,
            fixed_ips=[{"subnet_id": "s", "ip_address": address}],
        )
    own = PortFactory(
        network=public,
        project_id=account.project.id,
        name="own-gateway",
        device_owner="network:router_gateway",
        fixed_ips=[{"subnet_id": "s", "ip_address": "203.0.113.60"}],
    )

    page = signed_in.get(f"/network/networks/{public.id}/").content.decode()

    assert "own-gateway" in page
    assert own.id in page
    for leaked in ("203.0.113.50", "203.0.113.51", "203.0.113.52", other, router.id):
        assert leaked not in page


def test_the_owner_of_a_shared_network_sees_every_port_on_it_and_counts_them_when_refusing(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """Neutron lets a network's owner read every port on it; a refusal still names only the
    project's own ports and counts the others."""
    network = NetworkFactory(project_id=account.project.id, name="common", shared=True)
    for project, name, address in (
        ("a-tenant-of-it", "their-nic", "10.3.0.7"),
        (account.project.id, "our-nic", "10.3.0.8"),
    ):
        PortFactory(
            network=network,
            project_id=project,
            name=name,
            device_owner="compute:nova",
            fixed_ips=[{"subnet_id": "s", "ip_address": address}],
        )

    page = signed_in.get(f"/network/networks/{network.id}/").content.decode()
    refusal = signed_in.delete(f"/api/networks/{network.id}/").json()["detail"]

    assert "their-nic" in page
    assert "10.3.0.7" in page
    assert refusal == (
        "Network “common” still has ports in use: compute:nova “our-nic” (10.3.0.8); 1 port "
        "of other projects. Delete those ports, or detach them from their instances and "
        "routers, then delete the network."
    )


def test_delete_is_refused_while_ports_are_in_use_naming_them(
    signed_in: Client, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id, name="busy")
    PortFactory(network=network, project_id=account.project.id, device_owner="network:dhcp")
    PortFactory(
        network=network,
        project_id=account.project.id,
        name="web-nic",
        fixed_ips=[{"subnet_id": "s", "ip_address": "10.1.1.5"}],
    )

    page = signed_in.post(f"/network/networks/{network.id}/delete/", headers=HTMX)
    api = signed_in.delete(f"/api/networks/{network.id}/")

    message = "Network “busy” still has ports in use: compute:nova “web-nic” (10.1.1.5)."
    assert message in shown(page)
    assert "network:dhcp" not in page.content.decode()
    assert api.status_code == 409
    assert message in api.json()["detail"]
    assert not Operation.objects.exists()


def test_a_network_with_only_a_dhcp_port_may_be_deleted(
    signed_in: Client, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id)
    PortFactory(network=network, project_id=account.project.id, device_owner="network:dhcp")

    response = signed_in.post(f"/network/networks/{network.id}/delete/", headers=HTMX)

    assert response.status_code == 200
    assert Operation.objects.get().action == "networks.network_delete"


def test_bulk_delete_starts_one_operation_each_and_reports_refusals(
    signed_in: Client, account: KeystoneAccount
) -> None:
    free = [NetworkFactory(project_id=account.project.id) for _ in range(2)]
    busy = NetworkFactory(project_id=account.project.id, name="busy")
    PortFactory(network=busy, project_id=account.project.id)

    response = signed_in.post(
        "/network/networks/delete/", {"pk": [n.id for n in [*free, busy]]}, headers=HTMX
    )

    assert Operation.objects.filter(action="networks.network_delete").count() == 2
    assert "Network “busy” still has ports in use" in shown(response)


def test_members_do_not_see_provider_attributes_in_the_api(
    signed_in: Client, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id, provider_network_type="vxlan")

    body = signed_in.get(f"/api/networks/{network.id}/").json()

    assert "provider_network_type" not in body


def test_a_member_without_the_member_role_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    network = NetworkFactory(project_id=reader.project.id)
    subnet = SubnetFactory(network=network, project_id=reader.project.id)

    listing = client.get("/network/networks/").content.decode()
    detail = client.get(f"/network/networks/{network.id}/").content.decode()
    created = client.post("/api/networks/", {"name": "blue"}, content_type="application/json")
    edited = client.patch(
        f"/api/networks/{network.id}/", {"name": "green"}, content_type="application/json"
    )
    deleted = client.delete(f"/api/networks/{network.id}/")

    assert "Create network" not in listing
    assert f"/network/networks/{network.id}/delete/" not in listing
    for url in (f"/network/networks/{network.id}/", f"/network/subnets/{subnet.id}/"):
        assert f"{url}edit/" not in detail
        assert f"{url}delete/" not in detail
    assert "Add subnet" not in detail
    assert (created.status_code, edited.status_code, deleted.status_code) == (403, 403, 403)
    assert not Operation.objects.exists()
