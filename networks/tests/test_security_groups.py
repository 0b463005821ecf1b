"""Security group pages and API: from the mirror, the rule form's local checks, refusals made
before anything starts, and changes started as operations."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import ResourceAPITests, ResourceViewTests
from instances.factories import ServerFactory
from networks.factories import (
    NetworkFactory,
    PortFactory,
    SecurityGroupFactory,
    SecurityGroupRuleFactory,
)
from networks.forms.security_groups import (
    SecurityGroupRuleAddForm,
    SecurityGroupRuleCreateForm,
    SecurityGroupRuleEditForm,
    rule_initial,
)
from tenants.factories import QuotaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}
JSON = "application/json"


class TestSecurityGroupViews(ResourceViewTests):
    factory = SecurityGroupFactory
    list_url_name = "networks:security_group_list"
    detail_url_name = "networks:security_group_detail"
    create_url_name = "networks:security_group_create"
    create_action = "networks.security_group_create"
    invalid_data = {"name": "default"}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "web", "description": "front ends", "stateful": "True"}


class TestSecurityGroupAPI(ResourceAPITests):
    factory = SecurityGroupFactory
    api_url = "/api/security-groups/"
    create_action = "networks.security_group_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "web"}


class TestSecurityGroupRuleAPI(ResourceAPITests):
    factory = SecurityGroupRuleFactory
    api_url = "/api/security-group-rules/"
    create_action = "networks.security_group_rule_create"
    invalid_data = {"remote_ip_prefix": "10.0.0.0/33"}
    invalid_field = "remote_ip_prefix"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        group = SecurityGroupFactory(project_id=project_id)
        return {
            "security_group_id": group.id,
            "protocol": "tcp",
            "port_range_min": 8000,
            "port_range_max": 8080,
            "remote_ip_prefix": "10.0.0.0/8",
        }

    def search_value(self, obj: Any) -> str:
        return str(obj.pk)


def rule_form(
    form_class: type = SecurityGroupRuleAddForm, *, obj: Any, **data: Any
) -> SecurityGroupRuleAddForm:
    form: SecurityGroupRuleAddForm = form_class(data, project_id=obj.project_id, obj=obj)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"protocol": "tcp", "port_range_min": 90, "port_range_max": 80}, "port_range_max", "90"),
        ({"protocol": "tcp", "port_range_min": 0}, "port_range_min", "1-65535"),
        ({"protocol": "udp", "port_range_max": 53}, "port_range_min", "first port"),
        ({"protocol": "", "port_range_min": 22}, "port_range_min", "TCP, UDP"),
        ({"protocol": "other", "protocol_number": 47, "port_range_min": 1}, "port_range_min", ""),
        ({"protocol": "icmp", "port_range_min": 256}, "port_range_min", "0-255"),
        ({"protocol": "icmp", "port_range_max": 0}, "port_range_min", "type"),
        ({"protocol": "icmp", "ethertype": "IPv6"}, "protocol", "ICMPv6"),
        ({"protocol": "icmpv6", "ethertype": "IPv4"}, "protocol", "ICMP"),
        ({"protocol": "other"}, "protocol_number", "0-255"),
        ({"protocol": "other", "protocol_number": 256}, "protocol_number", "255"),
        ({"remote_ip_prefix": "2001:db8::/32"}, "remote_ip_prefix", "IPv6 CIDR"),
        ({"remote_ip_prefix": "10.0.0.0/33"}, "remote_ip_prefix", "not a CIDR"),
    ],
)
def test_the_rule_form_refuses_what_neutron_would(
    data: dict[str, Any], field: str, message: str
) -> None:
    group = SecurityGroupFactory()

    form = rule_form(obj=group, **{"direction": "ingress", "ethertype": "IPv4", **data})

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_rule_form_gives_the_rule_as_neutron_takes_it() -> None:
    group = SecurityGroupFactory()
    other = SecurityGroupFactory(project_id=group.project_id, name="web")

    tcp = rule_form(obj=group, protocol="tcp", port_range_min=443, remote_ip_prefix="10.1.2.3/8")
    whole = rule_form(obj=group, protocol="udp", port_range_min=1, port_range_max=65535)
    icmp6 = rule_form(obj=group, ethertype="IPv6", protocol="icmpv6", port_range_min=128)
    remote = rule_form(
        obj=group,
        direction="egress",
        protocol="other",
        protocol_number=47,
        remote_group_id=other.id,
    )

    assert tcp.cleaned_data == {
        "security_group_id": group.id,
        "direction": "ingress",
        "ethertype": "IPv4",
        "protocol": "tcp",
        "port_range_min": 443,
        "port_range_max": 443,
        "remote_ip_prefix": "10.0.0.0/8",
        "remote_group_id": None,
        "description": "",
    }
    assert (whole.cleaned_data["port_range_min"], whole.cleaned_data["port_range_max"]) == (
        None,
        None,
    )
    assert icmp6.cleaned_data["protocol"] == "ipv6-icmp"
    assert (icmp6.cleaned_data["port_range_min"], icmp6.cleaned_data["port_range_max"]) == (
        128,
        None,
    )
    assert remote.cleaned_data["protocol"] == "47"
    assert remote.cleaned_data["remote_group_id"] == other.id


def test_a_common_rule_fills_in_protocol_ports_and_ethertype() -> None:
    group = SecurityGroupFactory()

    ssh = rule_form(obj=group, preset="ssh", remote_ip_prefix="198.51.100.0/24")
    ping6 = rule_form(obj=group, preset="icmp", remote_ip_prefix="2001:db8::/64")

    assert ssh.is_valid(), ssh.errors
    assert (ssh.cleaned_data["protocol"], ssh.cleaned_data["port_range_min"]) == ("tcp", 22)
    assert ssh.cleaned_data["direction"] == "ingress"
    assert (ping6.cleaned_data["ethertype"], ping6.cleaned_data["protocol"]) == (
        "IPv6",
        "ipv6-icmp",
    )


def test_remote_groups_are_the_projects_own() -> None:
    group = SecurityGroupFactory()
    foreign = SecurityGroupFactory(name="theirs")

    form = rule_form(obj=group, remote_group_id=foreign.id)

    assert "not one of your security groups" in form.errors["remote_group_id"][0]
    assert "theirs" not in str(form["remote_group_id"])


def test_a_rule_equal_to_one_in_the_mirror_is_refused_naming_it() -> None:
    existing = SecurityGroupRuleFactory(description="admins", remote_ip_prefix="0.0.0.0/0")
    group = existing.security_group

    # The same rule as Neutron compares rules: 6 is TCP, and 0.0.0.0/0 is no remote at all.
    form = rule_form(obj=group, protocol="other", protocol_number=6, port_range_min=22)

    errors = form.non_field_errors()
    assert len(errors) == 1
    assert "already has this rule: ingress IPv4 TCP 22 from 0.0.0.0/0" in errors[0]
    assert existing.id in errors[0]
    assert "“admins”" in errors[0]


def test_an_edit_may_keep_the_rule_but_not_copy_another() -> None:
    rule = SecurityGroupRuleFactory(port_range_min=22, port_range_max=22)
    other = SecurityGroupRuleFactory(
        security_group=rule.security_group,
        project_id=rule.project_id,
        port_range_min=80,
        port_range_max=80,
    )

    unchanged = SecurityGroupRuleEditForm(
        {"protocol": "tcp", "port_range_min": 22, "remote_ip_prefix": "0.0.0.0/0"},
        project_id=rule.project_id,
        obj=rule,
    )
    copy = SecurityGroupRuleEditForm(
        {"protocol": "tcp", "port_range_min": 80}, project_id=rule.project_id, obj=rule
    )

    assert unchanged.is_valid(), unchanged.errors
    assert not copy.is_valid()
    assert other.id in copy.non_field_errors()[0]


def test_the_edit_form_starts_as_the_rule() -> None:
    rule = SecurityGroupRuleFactory(
        ethertype="IPv6",
        protocol="ipv6-icmp",
        port_range_min=128,
        port_range_max=None,
        remote_ip_prefix="",
    )

    initial = SecurityGroupRuleEditForm.initial_for(rule)

    assert initial["protocol"] == "icmpv6"
    assert initial["port_range_min"] == 128
    assert initial["ethertype"] == "IPv6"


def test_the_api_rule_form_takes_own_groups_only() -> None:
    foreign = SecurityGroupFactory()

    form = SecurityGroupRuleCreateForm(
        {"security_group_id": foreign.id}, project_id="another-project"
    )

    assert not form.is_valid()
    assert "not one of your security groups" in form.errors["security_group_id"][0]


def test_the_detail_page_lists_the_rules_with_their_buttons(
    signed_in: Client,
    account: KeystoneAccount,
    no_cloud_calls: None,
    django_assert_max_num_queries: Any,
) -> None:
    group = SecurityGroupFactory(project_id=account.project.id, name="web")
    peer = SecurityGroupFactory(project_id=account.project.id, name="db")
    tcp = SecurityGroupRuleFactory(
        security_group=group,
        project_id=account.project.id,
        port_range_min=8000,
        port_range_max=8080,
        remote_ip_prefix="10.0.0.0/8",
        description="app",
    )
    from_peer = SecurityGroupRuleFactory(
        security_group=group,
        project_id=account.project.id,
        protocol="",
        port_range_min=None,
        port_range_max=None,
        remote_ip_prefix="",
        remote_group=peer,
    )

    with django_assert_max_num_queries(12):
        page = signed_in.get(f"/network/security-groups/{group.id}/").content.decode()

    assert "8000-8080" in page
    assert "10.0.0.0/8" in page
    assert "group “db”" in page
    for rule in (tcp, from_peer):
        assert f'href="/network/security-group-rules/{rule.id}/edit/"' in page
        assert f'action="/network/security-group-rules/{rule.id}/delete/"' in page
    assert f'action="/network/security-groups/{group.id}/delete/"' in page


def test_the_default_group_has_no_delete_button_and_is_refused(
    signed_in: Client, account: KeystoneAccount
) -> None:
    default = SecurityGroupFactory(project_id=account.project.id, name="default")

    listed = signed_in.get("/network/security-groups/").content.decode()
    detail = signed_in.get(f"/network/security-groups/{default.id}/").content.decode()
    page = signed_in.post(f"/network/security-groups/{default.id}/delete/", headers=HTMX)
    api = signed_in.delete(f"/api/security-groups/{default.id}/")

    assert f"/network/security-groups/{default.id}/delete/" not in listed + detail
    assert "default security group cannot be deleted" in page.content.decode()
    assert api.status_code == 409
    assert "default security group cannot be deleted" in api.json()["detail"]
    assert not Operation.objects.exists()


def test_a_group_in_use_is_refused_naming_its_instances_and_counting_other_ports(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """Ports of the project's instances by instance; its other ports, and other projects'
    ports on its own network (Neutron shows the network's owner those), only counted; ports it
    does not see at all are not counted."""
    project = account.project.id
    group = SecurityGroupFactory(project_id=project, name="web")
    server = ServerFactory(project_id=project, name="app-1")
    for _ in range(2):
        PortFactory(project_id=project, device_id=server.id, security_group_ids=[group.id])
    PortFactory(project_id=project, name="spare", security_group_ids=[group.id])
    own_network = NetworkFactory(project_id=project, shared=True)
    PortFactory(project_id="tenant-of-it", network=own_network, security_group_ids=[group.id])
    theirs = ServerFactory(project_id="another-project", name="their-server")
    PortFactory(
        project_id="another-project",
        name="theirs",
        device_id=theirs.id,
        security_group_ids=[group.id],
    )

    page = signed_in.post(f"/network/security-groups/{group.id}/delete/", follow=True)
    bulk = signed_in.post("/network/security-groups/delete/", {"pk": [group.id]}, headers=HTMX)

    message = shown(page)
    assert (
        "Security group “web” is in use by instance “app-1” and 2 other ports. Remove the group "
        "from them (or delete them) first, then delete it."
    ) in message
    assert "theirs" not in message
    assert "their-server" not in message
    assert "in use by instance “app-1”" in shown(bulk)
    assert not Operation.objects.exists()


def test_a_group_only_other_projects_use_is_refused_without_saying_whose(
    signed_in: Client, account: KeystoneAccount
) -> None:
    group = SecurityGroupFactory(project_id=account.project.id, name="shared-web")
    PortFactory(project_id="another-project", name="theirs", security_group_ids=[group.id])

    api = signed_in.delete(f"/api/security-groups/{group.id}/")

    assert api.status_code == 409
    assert api.json()["detail"] == (
        "Security group “shared-web” is in use by other projects it is shared with. It can be "
        "deleted once none of their ports uses it."
    )
    assert not Operation.objects.exists()


def test_edit_and_delete_start_operations(signed_in: Client, account: KeystoneAccount) -> None:
    group = SecurityGroupFactory(project_id=account.project.id, name="web", revision_number=3)
    rule = SecurityGroupRuleFactory(security_group=group, project_id=account.project.id)
    other_rule = SecurityGroupRuleFactory(
        security_group=group,
        project_id=account.project.id,
        port_range_min=80,
        port_range_max=80,
    )

    signed_in.post(f"/network/security-groups/{group.id}/edit/", {"name": "www"}, headers=HTMX)
    signed_in.post(
        f"/network/security-group-rules/{rule.id}/edit/",
        {"protocol": "tcp", "port_range_min": 2222, "remote_ip_prefix": "10.0.0.0/8"},
        headers=HTMX,
    )
    signed_in.post(f"/network/security-group-rules/{other_rule.id}/delete/", headers=HTMX)

    edit, replace, delete = Operation.objects.order_by("created_at")
    assert edit.params == {
        "security_group_id": group.id,
        "name": "www",
        "description": "",
        "revision_number": 3,
    }
    assert replace.action == "networks.security_group_rule_replace"
    assert replace.target_id == rule.id
    assert replace.description == (
        "Replace rule “ingress IPv4 TCP 22 from 0.0.0.0/0” with "
        "“ingress IPv4 TCP 2222 from 10.0.0.0/8”"
    )
    assert replace.params["old_rule"]["id"] == rule.id
    assert delete.params == {
        "security_group_id": group.id,
        "security_group_rule_id": other_rule.id,
    }


def test_the_default_group_keeps_its_name(signed_in: Client, account: KeystoneAccount) -> None:
    default = SecurityGroupFactory(project_id=account.project.id, name="default")

    response = signed_in.patch(
        f"/api/security-groups/{default.id}/", {"description": "base"}, content_type=JSON
    )

    assert response.status_code == 202, response.content.decode()
    assert Operation.objects.get().params == {
        "security_group_id": default.id,
        "description": "base",
        "revision_number": 1,
    }


def test_a_rule_of_another_projects_group_cannot_be_replaced(signed_in: Client) -> None:
    foreign = SecurityGroupRuleFactory(project_id="another-project")

    put = signed_in.put(
        f"/api/security-group-rules/{foreign.id}/", {"protocol": "udp"}, content_type=JSON
    )
    group_patch = signed_in.patch(
        f"/api/security-groups/{foreign.security_group_id}/", {"name": "x"}, content_type=JSON
    )

    assert put.status_code == 404
    assert group_patch.status_code == 404
    assert not Operation.objects.exists()


def test_a_common_rule_is_added_from_the_groups_page(
    signed_in: Client, account: KeystoneAccount
) -> None:
    group = SecurityGroupFactory(project_id=account.project.id, name="web")
    url = f"/network/security-groups/{group.id}/rules/add/"

    page = signed_in.get(f"/network/security-groups/{group.id}/").content.decode()
    bad = signed_in.post(
        url, {"preset": "ssh", "remote_ip_prefix": "198.51.100.0/33"}, headers=HTMX
    )
    good = signed_in.post(
        url, {"preset": "ssh", "remote_ip_prefix": "198.51.100.0/24"}, headers=HTMX
    )

    assert f'hx-post="{url}"' in page
    assert '<option value="https">HTTPS (TCP 443)</option>' in page
    # The group's page shows no field errors: they go to its messages area.
    assert bad["HX-Retarget"] == "#messages"
    assert "not a CIDR" in bad.content.decode()
    assert good.status_code == 200
    operation = Operation.objects.get()
    assert operation.description == (
        "Add rule “ingress IPv4 TCP 22 from 198.51.100.0/24” to security group “web”"
    )


def test_rules_are_deleted_in_bulk_from_the_groups_page(
    signed_in: Client, account: KeystoneAccount
) -> None:
    group = SecurityGroupFactory(project_id=account.project.id)
    rules = [
        SecurityGroupRuleFactory(
            security_group=group,
            project_id=account.project.id,
            port_range_min=port,
            port_range_max=port,
        )
        for port in (22, 80)
    ]
    foreign = SecurityGroupRuleFactory(project_id="another-project")

    response = signed_in.post(
        "/network/security-group-rules/delete/",
        {"pk": [rule.id for rule in rules] + [foreign.id]},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert sorted(Operation.objects.values_list("target_id", flat=True)) == sorted(
        rule.id for rule in rules
    )


def test_a_reader_gets_no_change_buttons(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    group = SecurityGroupFactory(project_id=reader.project.id, name="web")
    rule = SecurityGroupRuleFactory(security_group=group, project_id=reader.project.id)

    listing = client.get("/network/security-groups/").content.decode()
    detail = client.get(f"/network/security-groups/{group.id}/").content.decode()
    edit = client.patch(
        f"/api/security-groups/{group.id}/", {"description": "x"}, content_type=JSON
    )
    add = client.post(
        "/api/security-group-rules/", {"security_group_id": group.id, "protocol": "udp"}
    )
    delete = client.delete(f"/api/security-group-rules/{rule.id}/")

    assert (edit.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert not Operation.objects.exists()
    assert "Create security group" not in listing
    assert "/network/security-groups/delete/" not in listing
    assert f"/network/security-groups/{group.id}/edit/" not in listing + detail
    assert f"/network/security-groups/{group.id}/delete/" not in listing + detail
    assert f"/network/security-groups/{group.id}/rules/add/" not in detail
    assert f"/network/security-group-rules/{rule.id}/" not in detail
    assert "/network/security-group-rules/delete/" not in detail


def test_a_rule_needs_a_free_rule_in_the_quota(account: KeystoneAccount) -> None:
    group = SecurityGroupFactory(project_id=account.project.id)
    rule = SecurityGroupRuleFactory(security_group=group, project_id=account.project.id)
    QuotaFactory(project_id=account.project.id, resource="security_group_rule", limit=1, in_use=1)

    added = rule_form(obj=group, protocol="udp", port_range_min=53)
    replaced = SecurityGroupRuleEditForm(
        {"protocol": "udp", "port_range_min": 53}, project_id=group.project_id, obj=rule
    )
    described = SecurityGroupRuleEditForm(
        {**rule_initial(rule), "description": "ssh"}, project_id=group.project_id, obj=rule
    )

    assert "security group rules" in added.non_field_errors()[0]
    assert not replaced.is_valid()
    assert described.is_valid(), described.errors
