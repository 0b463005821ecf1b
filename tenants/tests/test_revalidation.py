"""A revoked token, a disabled user or a removed role ends access, against the real Keystone.

The re-validation window (a minute in production) is set to zero here through settings, so the
next request after the change in Keystone asks Keystone again; nothing waits on a clock.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from tenants import revalidation
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.django_db, pytest.mark.cloud]

LOGIN_URL = "/auth/login/"
PAGE = "/network/routers/"
API = "/api/quotas/"


@pytest.fixture
def check_every_request(settings: Any) -> None:
    settings.KEYSTONE_REVALIDATE_INTERVAL = timedelta(0)


def _sign_in(client: Client, account: KeystoneAccount) -> KeystoneSession:
    response = client.post(LOGIN_URL, account.credentials())
    assert response.status_code == 302, response.content.decode()
    keystone = KeystoneSession.load(client.session)
    assert keystone is not None
    return keystone


def _assert_signed_out_saying(client: Client, reason: str) -> None:
    response = client.get(PAGE, follow=True)
    assert response.redirect_chain[-1][0].startswith(f"{LOGIN_URL}?next={PAGE}")
    assert reason in shown(response)
    assert "_auth_user_id" not in client.session


def _revoke(cloud: Any, token: str) -> None:
    """DELETE /v3/auth/tokens, as `openstack token revoke` or an administrator does."""
    cloud.session.delete(
        f"{django_settings.OPENSTACK_AUTH_URL.rstrip('/')}/auth/tokens",
        headers={"X-Subject-Token": token},
    )


def _disable_user(cloud: Any, account: KeystoneAccount, keystone: KeystoneSession) -> None:
    cloud.identity.update_user(account.user_id, is_enabled=False)


def _remove_last_role(cloud: Any, account: KeystoneAccount, keystone: KeystoneSession) -> None:
    member = cloud.identity.find_role("member", ignore_missing=False)
    cloud.identity.unassign_project_role_from_user(account.project, account.user_id, member)


def _revoke_token(cloud: Any, account: KeystoneAccount, keystone: KeystoneSession) -> None:
    _revoke(cloud, keystone.token)


@pytest.mark.usefixtures("check_every_request")
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_revoke_token, "your Keystone token was revoked"),
        (_disable_user, "your Keystone account is disabled"),
        (_remove_last_role, "you no longer have a role on project “test-"),
    ],
)
def test_losing_access_in_keystone_signs_the_user_out_saying_why(
    client: Client,
    account: KeystoneAccount,
    cloud: Any,
    change: Callable[[Any, KeystoneAccount, KeystoneSession], None],
    reason: str,
) -> None:
    keystone = _sign_in(client, account)
    assert client.get(PAGE).status_code == 200

    change(cloud, account, keystone)

    _assert_signed_out_saying(client, reason)


@pytest.mark.usefixtures("check_every_request")
def test_removing_the_admin_role_drops_the_admin_pages(
    client: Client, make_account: Callable[..., KeystoneAccount], cloud: Any
) -> None:
    account = make_account(roles=("member", "admin"))
    _sign_in(client, account)
    assert client.get("/admin/quotas/").status_code == 200

    admin = cloud.identity.find_role("admin", ignore_missing=False)
    cloud.identity.unassign_project_role_from_user(account.project, account.user_id, admin)

    assert client.get("/admin/quotas/").status_code == 403
    assert client.get("/api/admin/quotas/").status_code == 403
    keystone = KeystoneSession.load(client.session)
    assert keystone is not None
    assert "admin" not in keystone.roles
    assert client.get(PAGE).status_code == 200  # still signed in, as a member


@pytest.mark.usefixtures("check_every_request")
def test_the_api_answers_a_revoked_session_with_401_and_why(
    client: Client, account: KeystoneAccount, cloud: Any
) -> None:
    keystone = _sign_in(client, account)
    assert client.get(API).status_code == 200
    _revoke(cloud, keystone.token)

    response = client.get(API)

    assert response.status_code == 401
    assert "your Keystone token was revoked" in response.json()["detail"]
    assert client.get(API).status_code == 403  # signed out: no session any more


@pytest.mark.usefixtures("no_cloud_calls")
def test_pages_within_the_window_cost_no_keystone_call(signed_in: Client) -> None:
    """The sign-in itself confirmed the token, so the next minute's pages ask Keystone nothing."""
    assert signed_in.get(PAGE).status_code == 200
    assert signed_in.get(API).status_code == 200


def test_within_the_window_a_process_reads_the_check_from_redis_no_more(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process wrote the check at sign-in: until its interval ends, the cache can say
    nothing else, so pages do not read it."""
    read: list[str] = []
    real_get = revalidation.cache.get

    def counted_get(key: str, *args: Any) -> Any:
        read.append(key)
        return real_get(key, *args)

    monkeypatch.setattr(revalidation.cache, "get", counted_get)

    assert signed_in.get(PAGE).status_code == 200
    assert signed_in.get(PAGE).status_code == 200

    assert not [key for key in read if key.startswith(revalidation.CACHE_PREFIX)]


@pytest.mark.usefixtures("check_every_request")
def test_keystone_unreachable_keeps_the_session_for_the_grace_period(
    client: Client, account: KeystoneAccount, settings: Any, closed_port_url: str
) -> None:
    _sign_in(client, account)
    settings.OPENSTACK_AUTH_URL = closed_port_url

    assert client.get(PAGE).status_code == 200

    settings.KEYSTONE_REVALIDATE_GRACE = timedelta(0)
    _assert_signed_out_saying(client, "Keystone could not confirm your access")
