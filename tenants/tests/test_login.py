"""Sign-in, project switching and sign-out against the real Keystone of the local cloud."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client

from dashboard.cloud import identity
from dashboard.testing.fixtures import KeystoneAccount, token_status
from dashboard.testing.pages import shown
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.django_db, pytest.mark.cloud]

LOGIN_URL = "/auth/login/"


def keystone_of(client: Client) -> KeystoneSession:
    keystone = KeystoneSession.load(client.session)
    assert keystone is not None
    return keystone


def test_sign_in_keeps_tokens_server_side(
    client: Client, account: KeystoneAccount, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post(LOGIN_URL, account.credentials(), follow=True)

    assert response.redirect_chain == [("/", 302)]
    keystone = keystone_of(client)
    assert keystone.project_id == account.project.id
    assert keystone.roles == ["member", "reader"]
    assert keystone.token
    assert keystone.unscoped_token
    page = response.content.decode()
    assert account.project.name in page
    for secret in (keystone.token, keystone.unscoped_token, account.password):
        assert secret not in page
        assert secret not in repr(keystone)
        assert all(secret not in morsel.value for morsel in client.cookies.values())
        assert secret not in caplog.text


def test_a_token_never_shows_in_the_repr_of_what_holds_it(account: KeystoneAccount) -> None:
    unscoped = identity.password_login(
        username=account.username, password=account.password, domain=account.domain
    )
    identity.revoke_token(token=unscoped.token)

    assert unscoped.token not in repr(unscoped)
    assert unscoped.user_id in repr(unscoped)


def test_tokens_rest_encrypted_in_the_session_table(signed_in: Client) -> None:
    keystone = keystone_of(signed_in)
    row = Session.objects.get(pk=signed_in.session.session_key)

    stored = json.dumps(SessionStore().decode(row.session_data))

    assert keystone.token not in stored
    assert keystone.unscoped_token not in stored
    assert keystone.token not in row.session_data


def test_a_session_whose_key_was_retired_is_signed_out(signed_in: Client, settings) -> None:
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    response = signed_in.get("/network/routers/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/auth/login/")
    assert "_auth_user_id" not in signed_in.session


def test_session_expires_with_the_token(signed_in: Client) -> None:
    keystone = keystone_of(signed_in)
    assert abs(signed_in.session.get_expiry_date() - keystone.ends_at) < timedelta(seconds=1)
    assert keystone.ends_at < keystone.expires_at


def _refusal(response: HttpResponse) -> list[str]:
    return list(response.context["form"].non_field_errors())


def test_wrong_password_is_refused(client: Client, account: KeystoneAccount) -> None:
    response = client.post(LOGIN_URL, {**account.credentials(), "password": "not-the-password"})

    assert response.status_code == 200
    assert "The user name, password or domain is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_domain_gets_the_same_message_as_a_wrong_password(
    client: Client, account: KeystoneAccount
) -> None:
    """Telling the two apart would let anyone list the cloud's domains."""
    wrong_password = client.post(LOGIN_URL, {**account.credentials(), "password": "guess"})
    unknown_domain = client.post(LOGIN_URL, {**account.credentials(), "domain": "no-such-domain"})

    assert _refusal(unknown_domain) == _refusal(wrong_password)


def test_user_without_projects_is_told_what_to_do(client: Client, make_account) -> None:
    account = make_account(projects=0)

    response = client.post(LOGIN_URL, account.credentials())

    assert "you have no role on any project" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_keystone_down_is_explained(
    client: Client, account: KeystoneAccount, settings, closed_port_url: str
) -> None:
    settings.OPENSTACK_AUTH_URL = closed_port_url

    response = client.post(LOGIN_URL, account.credentials())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Could not sign you in: Keystone cannot be reached." in page
    assert "Traceback" not in page


def test_keystone_too_slow_is_explained(
    client: Client, account: KeystoneAccount, settings, silent_server: str
) -> None:
    settings.OPENSTACK_AUTH_URL = silent_server
    settings.OPENSTACK_READ_TIMEOUT = 1.0

    response = client.post(LOGIN_URL, account.credentials())

    assert "Could not sign you in: Keystone did not answer in time." in response.content.decode()


def test_failed_sign_ins_are_throttled_per_user_and_address_before_keystone_locks(
    client: Client, account: KeystoneAccount, settings
) -> None:
    attacker = {"REMOTE_ADDR": "192.0.2.66"}
    wrong = {**account.credentials(), "password": "guess"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, wrong, **attacker)

    locked = client.post(LOGIN_URL, account.credentials(), **attacker)

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The real user, from their own address, still gets in: Keystone's own lockout (10 failures
    # on the local cloud) was never reached, because the throttle stopped the guesses first.
    victim = Client()
    response = victim.post(LOGIN_URL, account.credentials(), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


PROXY = "10.0.0.5"


def test_behind_a_trusted_proxy_the_lockout_keys_on_the_forwarded_client(
    client: Client, account: KeystoneAccount, settings
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.66"}
    wrong = {**account.credentials(), "password": "guess"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, wrong, **attacker)

    assert client.post(LOGIN_URL, account.credentials(), **attacker).status_code == 429
    # Every client reaches the dashboard from the proxy's address: the user, elsewhere, still
    # signs in.
    victim = Client().post(
        LOGIN_URL, account.credentials(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert victim.status_code == 302


@pytest.mark.parametrize(
    ("peer", "forwarded_for"),
    [
        # Straight to gunicorn, past the proxy: X-Forwarded-For is the client's own invention.
        ("192.0.2.66", "203.0.113.{n}"),
        # Through the proxy, which appends the real address to what the client sent.
        (PROXY, "203.0.113.{n}, 192.0.2.66"),
    ],
)
def test_a_forged_forwarded_for_does_not_escape_the_lockout(
    client: Client, account: KeystoneAccount, settings, peer: str, forwarded_for: str
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    wrong = {**account.credentials(), "password": "guess"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN_URL, wrong, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded_for.format(n=n)
        )

    locked = client.post(
        LOGIN_URL,
        account.credentials(),
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded_for.format(n=99),
    )

    assert locked.status_code == 429


def test_switching_project_rescopes_and_revokes_the_old_token(
    client: Client, make_account, cloud
) -> None:
    account = make_account(projects=2)
    client.post(LOGIN_URL, account.credentials())
    before = keystone_of(client)
    target = account.projects[1]

    response = client.post(f"/auth/project/{target.id}/", {"next": "/project/api-access/"})

    assert response.status_code == 302
    assert response["Location"] == "/project/api-access/"
    after = keystone_of(client)
    assert (after.project_id, after.project_name) == (target.id, target.name)
    assert after.token != before.token
    assert token_status(cloud, before.token) == 404
    assert token_status(cloud, after.token) == 200
    page = shown(client.get("/"))
    assert f"You are now working in project “{target.name}”" in page


def test_switching_to_a_project_without_a_role_is_refused(signed_in: Client, make_account) -> None:
    foreign = make_account().project
    before = keystone_of(signed_in)

    response = signed_in.post(f"/auth/project/{foreign.id}/", follow=True)

    assert "You have no role on that project" in response.content.decode()
    assert keystone_of(signed_in).project_id == before.project_id


def test_sign_in_returns_to_the_last_project(client: Client, make_account) -> None:
    account = make_account(projects=2)
    client.post(LOGIN_URL, account.credentials())
    client.post(f"/auth/project/{account.projects[1].id}/")
    client.post("/auth/logout/")

    client.post(LOGIN_URL, account.credentials())

    assert keystone_of(client).project_id == account.projects[1].id


def test_sign_out_revokes_both_tokens(signed_in: Client, cloud) -> None:
    keystone = keystone_of(signed_in)

    response = signed_in.post("/auth/logout/", follow=True)

    assert "your Keystone token is revoked" in response.content.decode()
    assert "Your session has ended" not in response.content.decode()
    assert token_status(cloud, keystone.token) == 404
    assert token_status(cloud, keystone.unscoped_token) == 404
    assert signed_in.get("/").status_code == 302


def test_sign_out_needs_a_post(signed_in: Client) -> None:
    assert signed_in.get("/auth/logout/").status_code == 405


def _expire(client: Client) -> None:
    """Moves the stored expiry into the past: Keystone's tokens live an hour, a test cannot wait."""
    keystone = keystone_of(client)
    keystone.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session = client.session
    keystone.save(session)
    session.set_expiry(3600)  # keep the Django session itself, as a lagging cookie would
    session.save()


def test_session_ends_when_the_token_expires(signed_in: Client) -> None:
    _expire(signed_in)

    response = signed_in.get("/network/routers/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/auth/login/?next=/network/routers/")
    assert "its Keystone token expired" in response.content.decode()
    assert "_auth_user_id" not in signed_in.session


def _lapse(client: Client) -> None:
    """The session's cache entry goes with its row: the cache keeps it only until its expiry."""
    caches[settings.SESSION_CACHE_ALIAS].delete(f"{KEY_PREFIX}{client.session.session_key}")


def test_a_session_that_lapsed_sends_to_the_sign_in_page_saying_so(signed_in: Client) -> None:
    """The session row expires with the token; the browser still presents its cookie."""
    Session.objects.filter(pk=signed_in.session.session_key).update(
        expire_date=datetime.now(UTC) - timedelta(seconds=1)
    )
    _lapse(signed_in)

    response = signed_in.get("/network/routers/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/auth/login/?next=/network/routers/")
    assert "Your session has ended" in response.content.decode()
    # Told once: the stale cookie is gone, and the next visit to the page says nothing.
    assert "Your session has ended" not in signed_in.get(LOGIN_URL).content.decode()


def test_a_lapsed_session_sends_htmx_requests_to_the_sign_in_page_whole(
    signed_in: Client,
) -> None:
    """Not the sign-in page swapped into the polling fragment."""
    Session.objects.filter(pk=signed_in.session.session_key).delete()
    _lapse(signed_in)

    response = signed_in.get("/network/routers/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/auth/login/?next=/network/routers/"


def test_expired_session_redirects_htmx_requests_with_a_header(signed_in: Client) -> None:
    _expire(signed_in)

    response = signed_in.get("/network/routers/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/auth/login/")


def test_next_is_followed_only_within_the_site(client: Client, account: KeystoneAccount) -> None:
    inside = client.post(f"{LOGIN_URL}?next=/compute/instances/", account.credentials())
    assert inside["Location"] == "/compute/instances/"
    client.post("/auth/logout/")

    outside = client.post(f"{LOGIN_URL}?next=https://evil.example/", account.credentials())
    assert outside["Location"] == "/"
