"""The port pages and API: from the mirror, changes through operations, the form's local checks."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import (
    FROM_THE_FORM,
    HTMX,
    ResourceAPITests,
    ResourceViewTests,
)
from instances.models import Server
from networks.factories import (
    NetworkFactory,
    PortFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SecurityGroupFactory,
    SubnetFactory,
)
from networks.forms.ports import PortForm

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]


def port_data(project_id: str) -> dict[str, Any]:
    """A valid create: a port on a new network of the project with a subnet."""
    subnet = SubnetFactory(project_id=project_id, cidr="10.20.0.0/24", name="app")
    return {"network_id": subnet.network_id, "name": "web", "fixed_ips": "10.20.0.10"}


class TestPortViews(ResourceViewTests):
    factory = PortFactory
    list_url_name = "networks:port_list"
    detail_url_name = "networks:port_detail"
    create_url_name = "networks:port_create"
    create_action = "networks.port_create"
    invalid_data = {"fixed_ips": "192.0.2.7"}
    invalid_field = "fixed_ips"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return port_data(project_id)

    def search_value(self, obj: Any) -> str:
        return str(obj.mac_address)


class TestPortAPI(ResourceAPITests):
    factory = PortFactory
    api_url = "/api/ports/"
    create_action = "networks.port_create"
    invalid_data = {"fixed_ips": "192.0.2.7"}
    invalid_field = "fixed_ips"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return port_data(project_id)

    def search_value(self, obj: Any) -> str:
        return str(obj.mac_address)


def form(project_id: str, data: dict[str, Any], obj: Any = None) -> PortForm:
    return PortForm(data, project_id=project_id, obj=obj)


def test_the_form_names_the_port_that_already_has_the_address() -> None:
    subnet = SubnetFactory(project_id="p1", cidr="10.30.0.0/24")
    PortFactory(
        project_id="p1",
        name="db-1",
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.30.0.5"}],
    )

    taken = form("p1", {"network_id": subnet.network_id, "fixed_ips": f"{subnet.cidr} 10.30.0.5"})

    assert not taken.is_valid()
    assert "10.30.0.5 is already used by port “db-1”" in taken.errors["fixed_ips"][0]


def test_an_address_another_project_holds_on_a_shared_network_is_only_in_use() -> None:
    subnet = SubnetFactory(project_id="owner", cidr="10.33.0.0/24", network__shared=True)
    PortFactory(
        project_id="owner",
        name="their-db",
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.33.0.5"}],
    )

    taken = form("p1", {"network_id": subnet.network_id, "fixed_ips": "10.33.0.5"})

    assert not taken.is_valid()
    assert taken.errors["fixed_ips"] == [
        "10.33.0.5 is already in use. Choose another address, or give only the subnet to get a "
        "free one."
    ]


def test_the_form_checks_subnets_addresses_and_macs_before_any_cloud_call() -> None:
    subnet = SubnetFactory(project_id="p1", cidr="10.31.0.0/24", name="inner")
    elsewhere = SubnetFactory(project_id="p1", cidr="10.32.0.0/24", name="elsewhere")
    network = subnet.network_id

    cases = {
        "fixed_ips": [
            ("10.31.0.0/24 10.32.0.4", "is not inside subnet 10.31.0.0/24"),
            (elsewhere.name, "is neither an address nor a subnet of network"),
            ("10.99.0.4", "No subnet of network"),
            ("10.31.0.1", "is the gateway address of subnet 10.31.0.0/24"),
            ("10.31.0.4\n10.31.0.4", "The same address is given twice."),
        ],
        "allowed_address_pairs": [
            ("10.31.0.300", "is not an IP address or CIDR"),
            ("10.31.0.0/28, 00:11:22:33:44", "is not a MAC address"),
        ],
    }
    for field, entries in cases.items():
        for value, message in entries:
            bad = form("p1", {"network_id": network, field: value})
            assert not bad.is_valid(), value
            assert message in bad.errors[field][0], (value, bad.errors)

    good = form(
        "p1",
        {
            "network_id": network,
            "fixed_ips": "inner\n10.31.0.9",
            "allowed_address_pairs": "10.31.0.0/28\n10.31.0.50 FA:16:3E:00:00:01",
        },
    )
    assert good.is_valid(), good.errors
    assert good.cleaned_data["fixed_ips"] == [
        {"subnet_id": subnet.id},
        {"subnet_id": subnet.id, "ip_address": "10.31.0.9"},
    ]
    assert good.cleaned_data["allowed_address_pairs"] == [
        {"ip_address": "10.31.0.0/28"},
        {"ip_address": "10.31.0.50", "mac_address": "fa:16:3e:00:00:01"},
    ]


def test_without_port_security_groups_and_address_pairs_are_refused() -> None:
    network = NetworkFactory(project_id="p1", port_security_enabled=False)
    group = SecurityGroupFactory(project_id="p1")

    refused = form(
        "p1",
        {
            "network_id": network.id,
            "security_group_ids": [group.id],
            "allowed_address_pairs": "10.0.0.0/24",
        },
    )

    assert not refused.is_valid()
    assert "without port security has no security groups" in refused.errors["security_group_ids"][0]
    assert "need port security" in refused.errors["allowed_address_pairs"][0]
    assert form(
        "p1",
        {
            "network_id": network.id,
            "port_security_enabled": "true",
            "security_group_ids": [group.id],
        },
    ).is_valid()


def test_only_own_and_shared_networks_and_own_groups_are_choices() -> None:
    foreign_network = NetworkFactory(project_id="p2")
    foreign_group = SecurityGroupFactory(project_id="p2", name="theirs")
    shared = NetworkFactory(project_id="p2", shared=True)

    bad = form("p1", {"network_id": foreign_network.id, "security_group_ids": [foreign_group.id]})

    assert not bad.is_valid()
    assert set(bad.errors) == {"network_id", "security_group_ids"}
    assert form("p1", {"network_id": shared.id}).is_valid()


def test_list_shows_what_each_port_is_attached_to(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project = account.project.id
    router = RouterFactory(project_id=project, name="edge")
    RouterInterfaceFactory(project_id=project, router=router, name="edge-if")
    server = PortFactory(project_id=project, name="nic")
    Server.objects.create(
        id=server.device_id,
        project_id=project,
        name="web-1",
        status="ACTIVE",
        synced_at=server.synced_at,
    )

    page = signed_in.get("/network/ports/").content.decode()

    assert "Instance “web-1”" in page
    assert "Router “edge”" in page
    assert "Router interface" in page


def test_ports_their_owner_manages_cannot_be_deleted_directly(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(project_id=account.project.id, name="edge")
    interface = RouterInterfaceFactory(project_id=account.project.id, router=router)
    free = PortFactory(project_id=account.project.id, device_owner="", device_id="")

    page = signed_in.post(f"/network/ports/{interface.id}/delete/", headers=HTMX)
    api = signed_in.delete(f"/api/ports/{interface.id}/")
    bulk = shown(
        signed_in.post("/network/ports/delete/", {"pk": [interface.id, free.id]}, headers=HTMX)
    )

    message = "is an interface of router “edge”. Remove the interface from the router instead."
    assert message in shown(page)
    assert message in api.json()["detail"]
    assert message in bulk
    assert list(Operation.objects.values_list("action", "target_id")) == [
        ("networks.port_delete", free.id)
    ]


def test_edit_sends_the_revision_and_patch_keeps_the_other_fields(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    subnet = SubnetFactory(project_id=account.project.id, cidr="10.33.0.0/24")
    group = SecurityGroupFactory(project_id=account.project.id)
    port = PortFactory(
        project_id=account.project.id,
        network=subnet.network,
        name="old",
        revision_number=7,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.33.0.5"}],
        security_group_ids=[group.id],
        device_owner="",
    )

    with django_capture_on_commit_callbacks():
        response = signed_in.patch(
            f"/api/ports/{port.id}/", {"name": "new"}, content_type="application/json"
        )

    assert response.status_code == 202, response.content.decode()
    params = Operation.objects.get().params
    assert params["name"] == "new"
    assert params["revision_number"] == 7
    assert params["fixed_ips"] == [{"subnet_id": subnet.id, "ip_address": "10.33.0.5"}]
    assert params["security_group_ids"] == [group.id]


def test_form_pages_render_with_the_ports_values(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    subnet = SubnetFactory(project_id=account.project.id, cidr="10.34.0.0/24", name="app")
    port = PortFactory(
        project_id=account.project.id,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.34.0.5"}],
        allowed_address_pairs=[{"ip_address": "10.34.0.0/28", "mac_address": "fa:16:3e:00:00:09"}],
        device_owner="",
    )

    create = signed_in.get("/network/ports/create/")
    edit = signed_in.get(f"/network/ports/{port.id}/edit/").content.decode()
    detail = signed_in.get(f"/network/ports/{port.id}/").content.decode()

    assert create.status_code == 200
    assert f"{subnet.id} 10.34.0.5" in edit
    assert "10.34.0.0/28, fa:16:3e:00:00:09" in edit
    assert 'name="network_id"' not in edit
    assert "10.34.0.5</code> on subnet 10.34.0.0/24 (“app”)" in detail
    assert f'action="/network/ports/{port.id}/delete/"' in detail


def test_a_member_without_the_member_role_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    port = PortFactory(project_id=reader.project.id, device_owner="", device_id="")

    listing = client.get("/network/ports/").content.decode()
    detail = client.get(f"/network/ports/{port.id}/").content.decode()
    edited = client.patch(
        f"/api/ports/{port.id}/", {"name": "new"}, content_type="application/json"
    )
    renamed = client.post(
        f"/api/ports/{port.id}/rename/", {"name": "new"}, content_type="application/json"
    )
    deleted = client.delete(f"/api/ports/{port.id}/")

    assert "Create port" not in listing
    assert f"/network/ports/{port.id}/delete/" not in listing
    for url in ("/edit/", "/rename/", "/delete/"):
        assert f"/network/ports/{port.id}{url}" not in detail
    assert "Rename" not in detail
    assert (edited.status_code, renamed.status_code, deleted.status_code) == (403, 403, 403)
    assert not Operation.objects.exists()


def test_rename_is_a_button_in_the_header_its_page_and_an_api_write(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    port = PortFactory(project_id=account.project.id, name="old-name")

    detail = signed_in.get(f"/network/ports/{port.id}/").content.decode()
    page = signed_in.get(f"/network/ports/{port.id}/rename/").content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(
            f"/api/ports/{port.id}/rename/", {"name": "new-name"}, content_type="application/json"
        )

    assert f'href="/network/ports/{port.id}/rename/">Rename</a>' in detail
    assert 'value="old-name"' in page
    assert response.status_code == 202, response.content.decode()
    assert response["Location"] == f"/api/operations/{response.json()['id']}/"
    assert len(callbacks) == 1
    operation = Operation.objects.get()
    assert (operation.action, operation.description) == (
        "networks.port_rename",
        "Rename port “old-name” to “new-name”",
    )
    assert (operation.target_type, operation.target_id) == ("port", port.id)
    assert operation.params == {"port_id": port.id, "name": "new-name"}


def test_rename_needs_a_name_the_cloud_takes(signed_in: Client, account: KeystoneAccount) -> None:
    port = PortFactory(project_id=account.project.id)

    empty = signed_in.post(f"/api/ports/{port.id}/rename/", {}, content_type="application/json")
    unprintable = signed_in.post(
        f"/network/ports/{port.id}/rename/", {"name": "bell\x07"}, headers=FROM_THE_FORM
    )

    assert empty.status_code == 400
    assert "name" in empty.json()
    assert "does not take these characters in a name: U+0007" in unprintable.content.decode()
    assert not Operation.objects.exists()
