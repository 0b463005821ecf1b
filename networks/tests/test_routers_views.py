"""The router pages: from the mirror, local checks before any cloud call, policy-gated fields."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import FROM_THE_FORM, ResourceViewTests
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SubnetFactory,
)
from networks.models import Network, Router, Subnet

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}
POLICY_FIELDS = ("enable_snat", "fixed_ip_subnet_id", "fixed_ip_address")


class TestRouterViews(ResourceViewTests):
    factory = RouterFactory
    list_url_name = "networks:router_list"
    detail_url_name = "networks:router_detail"
    create_url_name = "networks:router_create"
    create_action = "networks.router_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "edge", "admin_state_up": "on"}


@pytest.fixture
def public(db: None) -> Network:
    """An external network with one subnet, 203.0.113.0/24 (gateway .1), as in the mirror."""
    network = NetworkFactory(external=True, name="public", project_id="admin-project")
    SubnetFactory(
        network=network, project_id="admin-project", cidr="203.0.113.0/24", gateway_ip="203.0.113.1"
    )
    return network


def attach(router: Router, subnet: Subnet, address: str) -> Any:
    """A mirror row of the router's interface on the subnet."""
    return RouterInterfaceFactory(
        router=router,
        project_id=router.project_id,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
    )


def gateway_url(router: Router) -> str:
    return f"/network/routers/{router.id}/gateway/"


def test_list_shows_gateway_snat_interfaces_and_routes(
    signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    router = RouterFactory(
        project_id=account.project.id,
        name="edge",
        external_network=public,
        enable_snat=False,
        external_gateway_info={"network_id": public.id, "enable_snat": False},
        routes=[{"destination": "192.168.50.0/24", "nexthop": "10.0.0.5"}],
    )
    subnet = SubnetFactory(project_id=account.project.id, cidr="10.0.0.0/24")
    attach(router, subnet, "10.0.0.1")

    page = signed_in.get("/network/routers/").content.decode()

    row = page[page.index(f'id="router-{router.id}"') :].split("</tr>")[0]
    assert "edge" in row
    assert "public" in row
    assert f'href="/network/routers/{router.id}/"' in row
    cells = [cell.split(">", 1)[1] for cell in row.split("<td")[1:]]
    assert [c.split("<")[0].strip() for c in cells[5:7]] == ["1", "1"]


def test_detail_shows_gateway_ips_interfaces_routes_and_floating_ips(
    signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    external_subnet = public.subnets.get()
    router = RouterFactory(
        project_id=account.project.id,
        external_network=public,
        enable_snat=True,
        external_gateway_info={
            "network_id": public.id,
            "enable_snat": True,
            "external_fixed_ips": [{"subnet_id": external_subnet.id, "ip_address": "203.0.113.50"}],
        },
        routes=[{"destination": "192.168.50.0/24", "nexthop": "10.0.0.5"}],
    )
    subnet = SubnetFactory(project_id=account.project.id, name="app", cidr="10.0.0.0/24")
    interface = attach(router, subnet, "10.0.0.1")
    FloatingIPFactory(
        project_id=account.project.id,
        floating_ip_address="203.0.113.60",
        router=router,
        floating_network=public,
    )

    page = signed_in.get(f"/network/routers/{router.id}/").content.decode()

    assert "203.0.113.50 on" in page
    assert "app (10.0.0.0/24)" in page
    assert interface.id in page
    assert f'name="port_id" value="{interface.id}"' in page
    assert "192.168.50.0/24" in page
    assert 'name="nexthop" value="10.0.0.5"' in page
    assert "203.0.113.60" in page


def test_delete_is_refused_while_the_router_has_interfaces(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(project_id=account.project.id, name="busy")
    attach(
        router,
        SubnetFactory(project_id=account.project.id, name="app", cidr="10.1.0.0/24"),
        "10.1.0.1",
    )

    single = signed_in.post(f"/network/routers/{router.id}/delete/", headers=HTMX)
    bulk = signed_in.post("/network/routers/delete/", {"pk": [router.id]}, headers=HTMX)

    for response in (single, bulk):
        body = response.content.decode()
        assert "still has interfaces on app (10.1.0.0/24) at 10.1.0.1" in body
    assert not Operation.objects.exists()


def test_clearing_a_gateway_floating_ips_use_is_refused(
    signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    router = RouterFactory(
        project_id=account.project.id,
        external_network=public,
        external_gateway_info={"network_id": public.id},
    )
    port = PortFactory(project_id=account.project.id)
    FloatingIPFactory(
        project_id=account.project.id, floating_ip_address="203.0.113.70", router=router, port=port
    )

    response = signed_in.post(f"/network/routers/{router.id}/gateway/clear/", headers=HTMX)

    assert "Floating IPs 203.0.113.70 reach their ports" in response.content.decode()
    assert not Operation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"fixed_ip_address": "198.51.100.5"}, "fixed_ip_address", "is outside"),
        ({"fixed_ip_address": "203.0.113.1"}, "fixed_ip_address", "is the gateway address"),
        ({"fixed_ip_address": "203.0.113.255"}, "fixed_ip_address", "not a host address"),
    ],
)
def test_gateway_fixed_ip_is_checked_against_the_external_subnet(
    signed_in: Client,
    account: KeystoneAccount,
    public: Network,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    router = RouterFactory(project_id=account.project.id)
    data = {"external_network_id": public.id, "enable_snat": "on", **fields}

    response = signed_in.post(gateway_url(router), data, headers=FROM_THE_FORM)

    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_error"' in body or "invalid-feedback" in body
    assert not Operation.objects.exists()


def test_gateway_subnet_must_belong_to_the_chosen_network(
    signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    other = NetworkFactory(external=True, name="other-public", project_id="admin-project")
    other_subnet = SubnetFactory(network=other, project_id="admin-project", cidr="198.51.100.0/24")
    router = RouterFactory(project_id=account.project.id)

    response = signed_in.post(
        gateway_url(router),
        {"external_network_id": public.id, "fixed_ip_subnet_id": other_subnet.id},
        headers=HTMX,
    )

    assert "is not a subnet of “public”" in shown(response)
    assert not Operation.objects.exists()


def test_a_valid_gateway_with_a_chosen_address_starts_one_operation(
    signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    router = RouterFactory(project_id=account.project.id)
    subnet = public.subnets.get()

    response = signed_in.post(
        gateway_url(router),
        {"external_network_id": public.id, "enable_snat": "off", "fixed_ip_address": "203.0.113.9"},
        headers=HTMX,
    )

    assert response.status_code == 200
    operation = Operation.objects.get()
    assert operation.action == "networks.router_set_gateway"
    assert operation.params == {
        "router_id": router.id,
        "external_gateway_info": {
            "network_id": public.id,
            "enable_snat": False,
            "external_fixed_ips": [{"subnet_id": subnet.id, "ip_address": "203.0.113.9"}],
        },
    }


@pytest.fixture
def neutron_default_policy(settings: Any, tmp_path: Path) -> None:
    """A cloud that runs Neutron's default policy: members may not set SNAT or fixed IPs."""
    settings.OPENSTACK_POLICY_DIR = tmp_path


@pytest.fixture
def admin_client(make_account: Callable[..., KeystoneAccount]) -> tuple[Client, KeystoneAccount]:
    account = make_account(roles=("admin",))
    client = Client()
    assert client.post("/auth/login/", account.credentials()).status_code == 302
    return client, account


def test_with_the_shipped_policy_a_member_sees_snat_and_fixed_ip_fields(
    signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    router = RouterFactory(project_id=account.project.id)

    for url in (gateway_url(router), "/network/routers/create/"):
        page = signed_in.get(url).content.decode()
        for name in POLICY_FIELDS:
            assert f'name="{name}"' in page


def test_with_the_default_policy_a_member_gets_no_snat_or_fixed_ip_fields(
    neutron_default_policy: None, signed_in: Client, account: KeystoneAccount, public: Network
) -> None:
    router = RouterFactory(project_id=account.project.id)

    for url in (gateway_url(router), "/network/routers/create/"):
        page = signed_in.get(url).content.decode()
        assert 'name="external_network_id"' in page
        for name in POLICY_FIELDS:
            assert f'name="{name}"' not in page

    posted = signed_in.post(
        gateway_url(router),
        {"external_network_id": public.id, "enable_snat": "off"},
        headers=HTMX,
    )
    assert "update_router:external_gateway_info:enable_snat" in posted.content.decode()
    api = signed_in.put(
        f"/api/routers/{router.id}/gateway/",
        {"external_network_id": public.id, "fixed_ip_address": "203.0.113.9"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "external_fixed_ips" in api.json()["fixed_ip_address"][0]["message"]
    assert not Operation.objects.exists()


def test_with_the_default_policy_an_admin_still_sets_snat_and_fixed_ips(
    neutron_default_policy: None, admin_client: tuple[Client, KeystoneAccount], public: Network
) -> None:
    client, account = admin_client
    router = RouterFactory(project_id=account.project.id)

    page = client.get(gateway_url(router)).content.decode()
    response = client.post(
        gateway_url(router),
        {"external_network_id": public.id, "enable_snat": "off", "fixed_ip_address": "203.0.113.9"},
        headers=HTMX,
    )

    for name in POLICY_FIELDS:
        assert f'name="{name}"' in page
    assert response.status_code == 200
    info = Operation.objects.get().params["external_gateway_info"]
    assert info["enable_snat"] is False
    assert info["external_fixed_ips"][0]["ip_address"] == "203.0.113.9"


def interface_add(client: Client, router: Router, **data: str) -> str:
    url = f"/network/routers/{router.id}/interfaces/add/"
    return shown(client.post(url, data, headers=HTMX))


def test_interface_checks_before_any_cloud_call(
    signed_in: Client, account: KeystoneAccount
) -> None:
    project = account.project.id
    router = RouterFactory(project_id=project)
    attached = SubnetFactory(project_id=project, name="app", cidr="10.2.0.0/24")
    attach(router, attached, "10.2.0.1")
    overlapping = SubnetFactory(project_id=project, name="wide", cidr="10.2.0.0/16")
    no_gateway = SubnetFactory(
        project_id=project, name="isolated", cidr="10.3.0.0/24", gateway_ip=""
    )
    taken = SubnetFactory(project_id=project, name="taken", cidr="10.4.0.0/24")
    attach(RouterFactory(project_id=project, name="other"), taken, "10.4.0.1")
    # A shared network's owner sees another project's router on it only as a port in use.
    taken_by_them = SubnetFactory(project_id=project, name="theirs", cidr="10.5.0.0/24")
    foreign_router = RouterFactory(project_id="a-tenant-of-it", name="their-router")
    attach(foreign_router, taken_by_them, "10.5.0.1")

    assert "already has an interface on app (10.2.0.0/24)" in interface_add(
        signed_in, router, subnet_id=attached.id
    )
    assert "wide (10.2.0.0/16) overlaps app (10.2.0.0/24)" in interface_add(
        signed_in, router, subnet_id=overlapping.id
    )
    assert "has no gateway address" in interface_add(signed_in, router, subnet_id=no_gateway.id)
    assert "router “other” holds its gateway address" in interface_add(
        signed_in, router, subnet_id=taken.id
    )
    foreign = interface_add(signed_in, router, subnet_id=taken_by_them.id)
    assert "The gateway address 10.5.0.1 of theirs (10.5.0.0/24) is already in use." in foreign
    assert "their-router" not in foreign
    assert "network:router_interface" not in foreign
    assert "either a subnet or a port" in interface_add(signed_in, router)
    assert not Operation.objects.exists()


def test_an_interface_a_route_needs_is_not_removed(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(
        project_id=account.project.id,
        routes=[{"destination": "192.168.50.0/24", "nexthop": "10.5.0.9"}],
    )
    interface = attach(
        router, SubnetFactory(project_id=account.project.id, cidr="10.5.0.0/24"), "10.5.0.1"
    )

    response = signed_in.post(
        f"/network/routers/{router.id}/interfaces/remove/", {"port_id": interface.id}, headers=HTMX
    )

    assert "Static routes 192.168.50.0/24 via 10.5.0.9 go through this interface" in (
        response.content.decode()
    )
    # The router's page has no form to put the error in: it goes to its messages area.
    assert response["HX-Retarget"] == "#messages"
    assert not Operation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"destination": "192.168.50.1/24", "nexthop": "10.6.0.9"}, "host bits clear"),
        ({"destination": "somewhere", "nexthop": "10.6.0.9"}, "is not a CIDR"),
        ({"destination": "192.168.50.0/24", "nexthop": "10.99.0.9"}, "not on any of the router"),
        ({"destination": "192.168.50.0/24", "nexthop": "10.6.0.1"}, "own address"),
    ],
)
def test_static_routes_are_checked_against_the_interfaces(
    signed_in: Client, account: KeystoneAccount, data: dict[str, str], message: str
) -> None:
    router = RouterFactory(project_id=account.project.id)
    attach(router, SubnetFactory(project_id=account.project.id, cidr="10.6.0.0/24"), "10.6.0.1")

    response = signed_in.post(f"/network/routers/{router.id}/routes/add/", data, headers=HTMX)

    assert message in response.content.decode()
    assert not Operation.objects.exists()


def test_a_member_without_the_member_role_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    router = RouterFactory(project_id=reader.project.id)

    listing = client.get("/network/routers/").content.decode()
    detail = client.get(f"/network/routers/{router.id}/").content.decode()

    assert "Create router" not in listing
    assert f"/network/routers/{router.id}/delete/" not in listing
    for url in ("/edit/", "/delete/", "/gateway/", "/interfaces/add/", "/routes/add/"):
        assert f"/network/routers/{router.id}{url}" not in detail
