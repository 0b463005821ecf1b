"""The floating IP pages and API: from the mirror, changes through operations, the forms' checks
(address inside the network, target reachable through a router, port forwarding rules)."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.mirror.models import SyncState
from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import HTMX, ResourceAPITests, ResourceViewTests
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    PortForwardingFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SubnetFactory,
)
from networks.forms.floating_ips import (
    FloatingIPAssociateForm,
    FloatingIPCreateForm,
    PortForwardingForm,
)
from networks.reconcile import PORT_FORWARDING_STATE
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]


class TestFloatingIPViews(ResourceViewTests):
    factory = FloatingIPFactory
    list_url_name = "networks:floating_ip_list"
    detail_url_name = "networks:floating_ip_detail"
    create_url_name = "networks:floating_ip_create"
    create_action = "networks.floating_ip_create"
    invalid_data = {"floating_network_id": "not-an-external-network"}
    invalid_field = "floating_network_id"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"floating_network_id": NetworkFactory(external=True).id}

    def search_value(self, obj: Any) -> str:
        return str(obj.pk)


class TestFloatingIPAPI(ResourceAPITests):
    factory = FloatingIPFactory
    api_url = "/api/floating-ips/"
    create_action = "networks.floating_ip_create"
    invalid_data = {"floating_network_id": "not-an-external-network"}
    invalid_field = "floating_network_id"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"floating_network_id": NetworkFactory(external=True).id}

    def search_value(self, obj: Any) -> str:
        return str(obj.pk)


def session(*roles: str, project_id: str = "p1") -> KeystoneSession:
    """A signed-in session with these roles (implied roles included), for the policy checks."""
    now = datetime.now(UTC)
    return KeystoneSession(
        user_id="user",
        user_name="user",
        domain_name="Default",
        unscoped_token="",
        unscoped_expires_at=now,
        token="",
        expires_at=now,
        project_id=project_id,
        project_name=project_id,
        project_domain_id="default",
        roles=list(roles),
        projects=[],
    )


def port_forwarding_supported() -> None:
    SyncState.objects.create(group=PORT_FORWARDING_STATE, last_success_at=timezone.now())


class Topology:
    """In the mirror: an external network with a subnet, a router with its gateway there, a
    project subnet attached to it, and a port of the project on that subnet."""

    def __init__(self, project_id: str, *, gateway: bool = True) -> None:
        self.external = NetworkFactory(external=True, name="public")
        SubnetFactory(network=self.external, project_id="admin", cidr="203.0.113.0/24")
        self.router = RouterFactory(project_id=project_id, name="edge")
        if gateway:
            self.router.external_network = self.external
            self.router.save()
        self.subnet = SubnetFactory(project_id=project_id, cidr="10.40.0.0/24", name="app")
        RouterInterfaceFactory(
            project_id=project_id,
            router=self.router,
            network=self.subnet.network,
            fixed_ips=[{"subnet_id": self.subnet.id, "ip_address": "10.40.0.1"}],
        )
        self.port = PortFactory(
            project_id=project_id,
            name="nic",
            network=self.subnet.network,
            fixed_ips=[
                {"subnet_id": self.subnet.id, "ip_address": "10.40.0.5"},
                {"subnet_id": self.subnet.id, "ip_address": "10.40.0.6"},
            ],
        )
        self.floating_ip = FloatingIPFactory(
            project_id=project_id, floating_network=self.external, floating_ip_address="203.0.113.9"
        )


def test_floating_ip_form_offers_external_networks_only(signed_in: Client) -> None:
    NetworkFactory(name="public", router_external=True)
    NetworkFactory(name="internal")

    page = signed_in.get("/network/floating-ips/allocate/").content.decode()

    assert ">public</option>" in page
    assert ">internal</option>" not in page


def test_bad_input_gets_field_errors_and_creates_nothing(signed_in: Client) -> None:
    internal = signed_in.post("/api/floating-ips/", {"floating_network_id": "not-external"})

    assert internal.status_code == 400
    assert "not an external network" in internal.json()["floating_network_id"][0]["message"]
    assert not Operation.objects.exists()


def test_allocate_checks_the_address_against_the_network_and_the_mirror() -> None:
    external = NetworkFactory(external=True, name="public")
    subnet = SubnetFactory(network=external, project_id="admin", cidr="203.0.113.0/24")
    FloatingIPFactory(
        project_id="p1", floating_network=external, floating_ip_address="203.0.113.20"
    )
    other = SubnetFactory(network=NetworkFactory(external=True), cidr="198.51.100.0/24")
    FloatingIPFactory(
        project_id="demo", floating_network=external, floating_ip_address="203.0.113.31"
    )
    PortFactory(
        project_id="demo",
        network=external,
        device_owner="network:router_gateway",
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "203.0.113.32"}],
    )

    def error(**data: Any) -> str:
        form = FloatingIPCreateForm(
            {"floating_network_id": external.id, **data},
            project_id="p1",
            keystone=session("admin", "member", "reader"),
        )
        assert not form.is_valid()
        return " ".join(str(e) for errors in form.errors.values() for e in errors)

    assert "is not inside network “public”" in error(floating_ip_address="198.51.100.4")
    assert "is the gateway of" in error(floating_ip_address="203.0.113.1")
    assert "already in use to this project" in error(floating_ip_address="203.0.113.20")
    for theirs in ("203.0.113.31", "203.0.113.32"):
        assert error(floating_ip_address=theirs) == (
            f"{theirs} is already in use on “public”. Choose another address, or leave it "
            "empty for any free one."
        )
    assert "This subnet is not on “public”" in error(subnet_id=other.id)
    valid = FloatingIPCreateForm(
        {
            "floating_network_id": external.id,
            "subnet_id": subnet.id,
            "floating_ip_address": "203.0.113.21",
        },
        project_id="p1",
        keystone=session("admin", "member", "reader"),
    )
    assert valid.is_valid(), valid.errors


def test_a_chosen_address_is_for_those_neutrons_policy_lets_choose_it() -> None:
    """Neutron's default: admins and project managers; the shipped overrides leave it so."""
    external = NetworkFactory(external=True)
    data = {"floating_network_id": external.id, "floating_ip_address": "203.0.113.22"}

    member = FloatingIPCreateForm(data, project_id="p1", keystone=session("member", "reader"))
    manager = FloatingIPCreateForm(data, project_id="p1", keystone=session("manager", "member"))

    assert "floating_ip_address" not in member.fields
    assert not member.is_valid()
    assert "create_floatingip:floating_ip_address" in member.errors["floating_ip_address"][0]
    assert "floating_ip_address" in manager.fields


def test_associate_needs_a_router_with_a_gateway_on_the_floating_ips_network() -> None:
    topology = Topology("p1", gateway=False)

    form = FloatingIPAssociateForm(
        {"port_id": topology.port.id, "fixed_ip_address": "10.40.0.5"},
        project_id="p1",
        obj=topology.floating_ip,
    )

    assert not form.is_valid()
    assert form.errors["port_id"] == [
        "The router “edge” on subnet 10.40.0.0/24 (“app”) has no gateway on “public”. Set the "
        "router's external gateway to that network first."
    ]


def test_an_unreachable_port_is_explained_without_other_projects_routers() -> None:
    """On a shared network another project's router without a gateway is not the project's
    business: the advice speaks of the project's own routers only."""
    topology = Topology("p1", gateway=False)
    shared = SubnetFactory(project_id="owner", cidr="10.60.0.0/24", name="common")
    RouterInterfaceFactory(
        project_id="owner",
        router=RouterFactory(project_id="owner", name="their-edge"),
        network=shared.network,
        fixed_ips=[{"subnet_id": shared.id, "ip_address": "10.60.0.1"}],
    )
    port = PortFactory(
        project_id="p1",
        network=shared.network,
        fixed_ips=[{"subnet_id": shared.id, "ip_address": "10.60.0.5"}],
    )

    form = FloatingIPAssociateForm(
        {"port_id": port.id, "fixed_ip_address": "10.60.0.5"},
        project_id="p1",
        obj=topology.floating_ip,
    )

    assert not form.is_valid()
    assert form.errors["port_id"] == [
        "No router of this project is attached to subnet 10.60.0.0/24 (“common”). Add the "
        "subnet as an interface of a router whose gateway is on “public”."
    ]


def test_associate_asks_which_address_and_refuses_a_taken_one() -> None:
    topology = Topology("p1")
    FloatingIPFactory(
        project_id="p1",
        floating_network=topology.external,
        floating_ip_address="203.0.113.30",
        port=topology.port,
        fixed_ip_address="10.40.0.6",
    )

    def associate(**data: Any) -> FloatingIPAssociateForm:
        form = FloatingIPAssociateForm(
            {"port_id": topology.port.id, **data}, project_id="p1", obj=topology.floating_ip
        )
        form.is_valid()
        return form

    assert "has several IPv4 addresses (10.40.0.5, 10.40.0.6)" in str(associate().errors)
    assert "already has floating IP 203.0.113.30" in str(
        associate(fixed_ip_address="10.40.0.6").errors
    )

    chosen = associate(fixed_ip_address="10.40.0.5")
    assert chosen.cleaned_data == {
        "port_id": topology.port.id,
        "fixed_ip_address": "10.40.0.5",
        "port_name": "nic",
    }
    # Mapped by an administrator from another project's floating IP: in use, never whose.
    FloatingIPFactory(
        project_id="p2",
        floating_network=topology.external,
        floating_ip_address="203.0.113.31",
        port=topology.port,
        fixed_ip_address="10.40.0.5",
    )
    assert associate(fixed_ip_address="10.40.0.5").errors["fixed_ip_address"] == [
        "10.40.0.5 of port “nic” already has a floating IP. Disassociate that one first."
    ]


def test_a_floating_ip_with_port_forwardings_is_not_associated() -> None:
    topology = Topology("p1")
    PortForwardingFactory(project_id="p1", floating_ip=topology.floating_ip)

    form = FloatingIPAssociateForm(
        {"port_id": topology.port.id, "fixed_ip_address": "10.40.0.5"},
        project_id="p1",
        obj=topology.floating_ip,
    )

    assert not form.is_valid()
    assert "Delete its port forwardings first." in form.non_field_errors()[0]


def test_port_forwarding_form_checks_the_extension_and_clashing_rules() -> None:
    topology = Topology("p1")
    PortForwardingFactory(
        project_id="p1", floating_ip=topology.floating_ip, external_port_number=2222
    )
    data = {
        "protocol": "tcp",
        "external_port": 2222,
        "internal_port_id": topology.port.id,
        "internal_ip_address": "10.40.0.5",
        "internal_port": 22,
    }

    without = PortForwardingForm(data, project_id="p1", obj=topology.floating_ip)
    assert not without.is_valid()
    assert "does not offer port forwarding" in without.non_field_errors()[0]

    port_forwarding_supported()
    clash = PortForwardingForm(data, project_id="p1", obj=topology.floating_ip)
    assert not clash.is_valid()
    assert "TCP port 2222 is already forwarded to" in clash.errors["external_port"][0]
    assert PortForwardingForm(
        {**data, "external_port": 2223}, project_id="p1", obj=topology.floating_ip
    ).is_valid()


def test_detail_shows_the_target_and_port_forwardings_only_where_supported(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    topology = Topology(account.project.id)
    rule = PortForwardingFactory(
        project_id=account.project.id, floating_ip=topology.floating_ip, external_port_number=8022
    )
    url = f"/network/floating-ips/{topology.floating_ip.id}/"

    hidden = signed_in.get(url).content.decode()
    port_forwarding_supported()
    shown = signed_in.get(url).content.decode()

    assert 'id="port-forwardings"' not in hidden  # the section; "Mapped to" still counts them
    assert 'id="port-forwardings"' in shown
    assert f"/network/port-forwardings/{rule.id}/delete/" in shown
    assert "Add port forwarding" in shown


def test_associate_disassociate_and_port_forwarding_start_operations(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    topology = Topology(account.project.id)
    port_forwarding_supported()
    fip = topology.floating_ip

    with django_capture_on_commit_callbacks():
        associate = signed_in.post(
            f"/api/floating-ips/{fip.id}/associate/",
            {"port_id": topology.port.id, "fixed_ip_address": "10.40.0.5"},
        )
        forward = signed_in.post(
            f"/network/floating-ips/{fip.id}/port-forwardings/add/",
            {
                "protocol": "udp",
                "external_port": 53,
                "internal_port_id": topology.port.id,
                "internal_ip_address": "10.40.0.6",
                "internal_port": 5353,
            },
            headers=HTMX,
        )
    not_associated = signed_in.post(f"/api/floating-ips/{fip.id}/disassociate/")

    assert associate.status_code == 202, associate.content.decode()
    assert "already running" in forward.content.decode()
    # Disassociating applies to associated floating IPs only (dashboard.web.permissions).
    assert not_associated.status_code == 403
    assert "the object's state" in not_associated.json()["detail"]
    operation = Operation.objects.get()
    assert operation.action == "networks.floating_ip_associate"
    assert operation.params == {
        "floating_ip_id": fip.id,
        "port_id": topology.port.id,
        "fixed_ip_address": "10.40.0.5",
        "port_name": "nic",
    }


def test_port_forwardings_api_lists_creates_and_scopes(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    topology = Topology(account.project.id)
    port_forwarding_supported()
    own = PortForwardingFactory(project_id=account.project.id, floating_ip=topology.floating_ip)
    foreign = PortForwardingFactory(project_id="p2")
    data = {
        "protocol": "tcp",
        "external_port": 8443,
        "internal_port_id": topology.port.id,
        "internal_ip_address": "10.40.0.5",
        "internal_port": 443,
    }

    listed = signed_in.get("/api/port-forwardings/", {"floating_ip": topology.floating_ip.id})
    with django_capture_on_commit_callbacks():
        created = signed_in.post(
            "/api/port-forwardings/", {**data, "floating_ip_id": topology.floating_ip.id}
        )
    on_foreign = signed_in.post(
        "/api/port-forwardings/", {**data, "floating_ip_id": foreign.floating_ip_id}
    )

    assert [item["id"] for item in listed.json()["results"]] == [own.id]
    assert created.status_code == 202, created.content.decode()
    assert created.json()["action"] == "networks.port_forwarding_create"
    assert on_foreign.status_code == 400
    assert "floating_ip_id" in on_foreign.json()


def test_associate_and_port_forwarding_pages_offer_the_projects_ports(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    topology = Topology(account.project.id)
    port_forwarding_supported()
    fip = topology.floating_ip

    associate = signed_in.get(f"/network/floating-ips/{fip.id}/associate/").content.decode()
    forward = signed_in.get(f"/network/floating-ips/{fip.id}/port-forwardings/add/")

    assert "nic (10.40.0.5, 10.40.0.6)" in associate
    assert forward.status_code == 200
    assert "nic (10.40.0.5, 10.40.0.6)" in forward.content.decode()


def test_port_forwarding_form_names_the_destination_port_and_its_number_apart(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    topology = Topology(account.project.id)
    port_forwarding_supported()

    page = signed_in.get(
        f"/network/floating-ips/{topology.floating_ip.id}/port-forwardings/add/"
    ).content.decode()

    labels = [field.label for field in PortForwardingForm.base_fields.values()]
    assert len(set(labels)) == len(labels)
    assert not [label for label in labels if "internal port" in str(label).lower()]
    for text in (
        "External port number",
        "Forward to (instance or port)",
        "Destination address",
        "Destination port number",
        "e.g. 22 for SSH",
    ):
        assert text in page, text


def test_a_floating_ip_with_port_forwardings_is_listed_so_and_not_offered_for_release(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    topology = Topology(account.project.id)
    fip = topology.floating_ip
    PortForwardingFactory(project_id=account.project.id, floating_ip=fip, external_port_number=80)
    PortForwardingFactory(project_id=account.project.id, floating_ip=fip, external_port_number=443)
    free = FloatingIPFactory(
        project_id=account.project.id,
        floating_network=topology.external,
        floating_ip_address="203.0.113.10",
    )

    listed = signed_in.get("/network/floating-ips/", headers=HTMX).content.decode()
    row = listed.split(f'id="floatingip-{fip.id}"')[1].split("</tr>")[0]
    free_row = listed.split(f'id="floatingip-{free.id}"')[1].split("</tr>")[0]
    detail = signed_in.get(f"/network/floating-ips/{fip.id}/").content.decode()

    assert "Port forwardings (2)" in row
    assert "Not associated" not in row
    assert "/associate/" not in row
    assert "disabled" in row
    assert "Delete its port forwardings on its page first" in row
    assert "Not associated" in free_row
    assert "/associate/" in free_row
    assert "disabled" not in free_row
    assert "Port forwardings (2)" in detail


def test_releasing_a_floating_ip_with_port_forwardings_is_refused_before_any_operation(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    topology = Topology(account.project.id)
    fip = topology.floating_ip
    PortForwardingFactory(project_id=account.project.id, floating_ip=fip)

    page = signed_in.post(f"/network/floating-ips/{fip.id}/release/", headers=HTMX)
    bulk = signed_in.post("/network/floating-ips/release/", {"pk": [fip.id]}, headers=HTMX)
    api = signed_in.delete(f"/api/floating-ips/{fip.id}/")

    message = "has a port forwarding, and Neutron releases only a floating IP without any."
    assert message in page.content.decode()
    assert message in bulk.content.decode()
    assert api.status_code == 409
    assert message in api.json()["detail"]
    assert not Operation.objects.exists()


def test_a_member_without_the_member_role_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    """Neutron's default policy keeps floating IP changes to the project's members."""
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    topology = Topology(reader.project.id)
    port_forwarding_supported()
    free = topology.floating_ip
    forwarding = FloatingIPFactory(
        project_id=reader.project.id,
        floating_network=topology.external,
        floating_ip_address="203.0.113.11",
    )
    rule = PortForwardingFactory(project_id=reader.project.id, floating_ip=forwarding)
    mapped = FloatingIPFactory(
        project_id=reader.project.id,
        floating_network=topology.external,
        floating_ip_address="203.0.113.12",
        port=topology.port,
        fixed_ip_address="10.40.0.5",
    )

    listing = client.get("/network/floating-ips/").content.decode()
    pages = "".join(
        client.get(f"/network/floating-ips/{fip.id}/").content.decode()
        for fip in (free, forwarding, mapped)
    )
    disassociate = client.post(f"/api/floating-ips/{mapped.id}/disassociate/")
    release = client.delete(f"/api/floating-ips/{free.id}/")
    allocate = client.post("/api/floating-ips/", {"floating_network_id": topology.external.id})
    forward = client.delete(f"/api/port-forwardings/{rule.id}/")

    assert "Allocate floating IP" not in listing
    assert "/network/floating-ips/release/" not in listing
    for fip in (free, forwarding, mapped):
        for url in ("associate/", "disassociate/", "release/", "port-forwardings/add/"):
            assert f"/network/floating-ips/{fip.id}/{url}" not in listing + pages
    assert f"/network/port-forwardings/{rule.id}/delete/" not in pages
    statuses = (disassociate, release, allocate, forward)
    assert [response.status_code for response in statuses] == [403, 403, 403, 403]
    assert not Operation.objects.exists()
