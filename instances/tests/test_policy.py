"""Nova's default policy rules (dashboard/policies/nova.py) as the dashboard reads them: server
changes are the project's members' (and admins'), key pairs each user's own. No cloud."""

from types import SimpleNamespace
from typing import cast

import pytest

from dashboard.policy import policy_allows
from dashboard.sessions import CloudSession

# Keystone puts implied roles in the token: admin implies member, member implies reader.
READER, MEMBER, ADMIN = ["reader"], ["member", "reader"], ["admin", "member", "reader"]
SERVER_RULES = [
    "os_compute_api:servers:create",
    "os_compute_api:servers:start",
    "os_compute_api:servers:delete",
    "os_compute_api:os-lock-server:lock",
    "os_compute_api:os-attach-interfaces:create",
    "os_compute_api:os-remote-consoles",
    "os_compute_api:os-console-output",
]


def session(roles: list[str]) -> CloudSession:
    """What the policy reads of a session: its user, project and roles."""
    return cast(
        CloudSession, SimpleNamespace(user_id="user-a", project_id="project-a", roles=roles)
    )


@pytest.mark.parametrize("rule", SERVER_RULES)
def test_server_changes_and_live_reads_are_members_and_admins(rule: str) -> None:
    assert policy_allows(session(MEMBER), "nova", rule)
    assert policy_allows(session(ADMIN), "nova", rule)
    assert not policy_allows(session(READER), "nova", rule)
    other = {"project_id": "project-b"}
    assert not policy_allows(session(MEMBER), "nova", rule, target=other)


@pytest.mark.parametrize("rule", ["create", "delete"])
def test_key_pairs_are_each_users_own(rule: str) -> None:
    name = f"os_compute_api:os-keypairs:{rule}"

    assert policy_allows(session(READER), "nova", name)
    assert not policy_allows(session(MEMBER), "nova", name, target={"user_id": "user-b"})
    assert policy_allows(session(ADMIN), "nova", name, target={"user_id": "user-b"})
