"""The policy files decide what a session may do: shipped overrides, Neutron's defaults, admins."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django import forms
from oslo_policy.policy import Enforcer, PolicyNotRegistered

from dashboard.policy import policy_allows
from dashboard.web.forms import ProjectForm
from tenants.session import KeystoneSession

GATEWAY_FIELD_RULES = [
    "create_router:external_gateway_info:enable_snat",
    "create_router:external_gateway_info:external_fixed_ips",
    "update_router:external_gateway_info:enable_snat",
    "update_router:external_gateway_info:external_fixed_ips",
]
# Keystone puts implied roles in the token: admin implies member, member implies reader.
MEMBER = ["member", "reader"]
ADMIN = ["admin", "member", "reader"]


def session(roles: list[str], project_id: str = "project-a") -> KeystoneSession:
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
        roles=roles,
        projects=[],
    )


@pytest.fixture
def neutron_defaults_only(settings: Any, tmp_path: Path) -> None:
    """A cloud that runs Neutron's default policy: no override file."""
    settings.OPENSTACK_POLICY_DIR = tmp_path


@pytest.mark.parametrize("rule", GATEWAY_FIELD_RULES)
def test_shipped_overrides_let_members_set_snat_and_fixed_ips(rule: str) -> None:
    assert policy_allows(session(MEMBER), "neutron", rule)


@pytest.mark.parametrize("rule", GATEWAY_FIELD_RULES)
def test_default_policy_reserves_them_to_admins(neutron_defaults_only: None, rule: str) -> None:
    assert not policy_allows(session(MEMBER), "neutron", rule)
    assert policy_allows(session(ADMIN), "neutron", rule)


def test_defaults_still_apply_where_the_overrides_say_nothing() -> None:
    assert policy_allows(session(MEMBER), "neutron", "create_router")
    assert not policy_allows(session(MEMBER), "neutron", "create_network:shared")
    assert not policy_allows(session(["reader"]), "neutron", "create_router")


def test_project_rules_look_at_the_target_project() -> None:
    member = session(MEMBER)

    assert not policy_allows(member, "neutron", "update_router", target={"project_id": "other"})


def test_a_changed_override_file_is_read_again(settings: Any, tmp_path: Path) -> None:
    settings.OPENSTACK_POLICY_DIR = tmp_path
    rule = "create_network:shared"
    assert not policy_allows(session(MEMBER), "neutron", rule)

    (tmp_path / "neutron.yaml").write_text(f'"{rule}": "role:member"\n')

    assert policy_allows(session(MEMBER), "neutron", rule)


def test_an_unknown_rule_is_a_programming_error() -> None:
    with pytest.raises(PolicyNotRegistered):
        policy_allows(session(MEMBER), "neutron", "create_router:no_such_field")


class SharedNetworkForm(ProjectForm):
    name = forms.CharField()
    shared = forms.BooleanField(required=False)

    policy_fields: ClassVar[dict[str, tuple[str, str]]] = {
        "shared": ("neutron", "create_network:shared")
    }


def test_a_form_leaves_out_the_fields_the_policy_refuses() -> None:
    member_form = SharedNetworkForm(project_id="project-a", keystone=session(MEMBER))
    admin_form = SharedNetworkForm(project_id="project-a", keystone=session(ADMIN))

    assert "shared" not in member_form.fields
    assert "shared" in admin_form.fields


def test_posting_a_refused_field_is_an_error_on_that_field() -> None:
    data = {"name": "net", "shared": "on"}

    refused = SharedNetworkForm(data, project_id="project-a", keystone=session(MEMBER))
    allowed = SharedNetworkForm(data, project_id="project-a", keystone=session(ADMIN))
    left_out = SharedNetworkForm({"name": "net"}, project_id="project-a", keystone=session(MEMBER))

    assert not refused.is_valid()
    assert "create_network:shared" in refused.errors["shared"][0]
    assert allowed.is_valid()
    assert allowed.cleaned_data["shared"] is True
    assert left_out.is_valid()


def test_a_decision_is_asked_once_until_the_override_file_changes(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.OPENSTACK_POLICY_DIR = tmp_path
    asked = []
    authorize = Enforcer.authorize

    def counted(self: Enforcer, rule: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(rule)
        return authorize(self, rule, *args, **kwargs)

    monkeypatch.setattr(Enforcer, "authorize", counted)
    rule = "create_network:shared"

    answers = [policy_allows(session(MEMBER), "neutron", rule) for _ in range(3)]
    (tmp_path / "neutron.yaml").write_text(f'"{rule}": "role:member"\n')
    answers += [policy_allows(session(MEMBER), "neutron", rule) for _ in range(3)]

    assert answers == [False] * 3 + [True] * 3
    assert asked == [rule, rule]
