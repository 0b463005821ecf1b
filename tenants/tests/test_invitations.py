"""Invitations against the local cloud, a real Celery worker and a real SMTP server on loopback:
a member invites a colleague, the mail's link is followed with the test client, the accepting
operation makes the Keystone user with the role, and the new user signs in through the real
sign-in form; refusals, revoked, reused and expired links, and password errors."""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.mail import Mailbox
from dashboard.testing.pages import shown
from dashboard.testing.waiting import operation_finished
from tenants.models import Invitation, OneTimeLink
from tenants.services.links import link_issue
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]

INVITE_URL = "/project/members/invite/"
MEMBERS_URL = "/project/members/"
PASSWORD = "a-Long-enough-pass-7391"

Cleanup = Callable[[Callable[[], Any]], None]


def new_email() -> str:
    return f"test-inv-{secrets.token_hex(4)}@example.org"


def delete_user_named(cloud: Any, name: str) -> Callable[[], None]:
    def undo() -> None:
        for user in cloud.identity.users(name=name):
            cloud.identity.delete_user(user, ignore_missing=True)

    return undo


def project_roles(cloud: Any, user_id: str, project_id: str) -> set[str]:
    return {
        assignment.role["name"]
        for assignment in cloud.identity.role_assignments(
            user_id=user_id, scope_project_id=project_id, include_names=True
        )
    }


def invitation_of(project: Any, email: str, *, inviter: KeystoneAccount) -> tuple[Invitation, str]:
    """An invitation made directly (no mail), and its link's path."""
    invitation = Invitation.objects.create(
        project_id=project.id,
        project_name=project.name,
        email=email,
        role="member",
        invited_by_user_id=inviter.user_id,
        invited_by_name=inviter.username,
    )
    url = link_issue(
        purpose=OneTimeLink.Purpose.INVITATION, invitation=invitation, lifetime=timedelta(days=1)
    )
    return invitation, urlsplit(url).path


def test_a_member_invites_and_the_colleague_joins_with_the_role_and_signs_in(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    mailbox: Mailbox,
    cleanup: Cleanup,
) -> None:
    inviter_email = new_email()
    cloud.identity.update_user(account.user_id, email=inviter_email)
    email = new_email()
    cleanup(delete_user_named(cloud, email))

    sent = signed_in.post(INVITE_URL, {"email": email, "role": "member", "language": "en"})
    assert sent.status_code == 302, sent.content.decode()
    mail = mailbox.wait_for(email)
    body = Mailbox.body(mail)
    assert account.project.name in str(mail["Subject"])
    assert account.username in body
    assert "member" in body
    [link] = Mailbox.links(mail)

    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200
    assert account.project.name in shown(page)
    assert account.username in shown(page)
    accepted = invitee.post(link, {"username": email, "password1": PASSWORD, "password2": PASSWORD})
    assert accepted.status_code == 200, accepted.content.decode()
    operation = Operation.objects.get(target_type="invitation")
    assert operation.project_id == account.project.id
    assert PASSWORD not in str(operation.params)
    finished = operation_finished(operation.pk)
    assert finished.status == Operation.Status.SUCCEEDED, finished.error_message

    [user] = list(cloud.identity.users(name=email))
    assert user.email == email
    assert project_roles(cloud, user.id, account.project.id) >= {"member"}
    invitation = Invitation.objects.get(email=email)
    assert invitation.accepted_at is not None
    assert OneTimeLink.objects.get(invitation=invitation).used_at is not None
    status = invitee.get(f"/invitations/status/{operation.pk}/")
    assert 'id="sign-in"' in status.content.decode()
    told = mailbox.wait_for(inviter_email)
    assert email in Mailbox.body(told)
    assert invitee.get(link).status_code == 400  # used

    colleague = Client()
    signed = colleague.post(
        "/auth/login/", {"username": email, "password": PASSWORD, "domain": "Default"}
    )
    assert signed.status_code == 302, signed.content.decode()
    keystone = KeystoneSession.load(colleague.session)
    assert keystone is not None
    assert keystone.project_id == account.project.id
    members = shown(signed_in.get(MEMBERS_URL))
    assert email in members
    assert 'data-state="accepted"' in members


def test_a_user_who_exists_signs_in_then_accepts_and_no_user_is_made(
    celery_worker: Any,
    make_account: Callable[..., KeystoneAccount],
    account: KeystoneAccount,
    cloud: Any,
) -> None:
    other = make_account()
    email = new_email()
    # The other account is named after the invited email, as the dashboard names its users.
    cloud.identity.update_user(other.user_id, name=email)
    invitation, link = invitation_of(account.project, email, inviter=account)

    invitee = Client()
    page = shown(invitee.get(link))
    assert "already exists" in page
    assert f"/auth/login/?next={link}" in page
    signed = invitee.post(
        f"/auth/login/?next={link}",
        {"username": email, "password": other.password, "domain": "Default", "next": link},
    )
    assert signed.status_code == 302
    assert signed["Location"] == link
    assert f"Accept as {email}" in shown(invitee.get(link))
    invitee.post(link, {"as": "signed_in"})

    operation = operation_finished(Operation.objects.get(target_type="invitation").pk)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert project_roles(cloud, other.user_id, account.project.id) >= {"member"}
    assert [user.id for user in cloud.identity.users(name=email)] == [other.user_id]
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


@pytest.mark.django_db
@pytest.mark.shared_account
def test_refusals_bad_email_member_pending_and_roles_not_held(
    signed_in: Client, account: KeystoneAccount, cloud: Any, mailbox: Mailbox
) -> None:
    bad = signed_in.post(INVITE_URL, {"email": "not-an-email", "role": "member", "language": "en"})
    assert bad.status_code == 400
    assert "Enter a whole email address" in shown(bad)

    mine = new_email()
    cloud.identity.update_user(account.user_id, email=mine)
    member = signed_in.post(INVITE_URL, {"email": mine, "role": "reader", "language": "en"})
    assert member.status_code == 400
    assert "already a member of this project" in shown(member)

    email = new_email()
    first = signed_in.post(INVITE_URL, {"email": email, "role": "reader", "language": "zh-hans"})
    assert first.status_code == 302
    assert "邀请" in Mailbox.body(mailbox.wait_for(email))
    again = signed_in.post(INVITE_URL, {"email": email, "role": "member", "language": "en"})
    assert again.status_code == 400
    assert "already invited to this project" in shown(again)

    # The admin role is not offered (not in INVITATION_ROLES), whatever is posted.
    admin = signed_in.post(INVITE_URL, {"email": new_email(), "role": "admin", "language": "en"})
    assert admin.status_code == 400
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.shared_account
def test_nobody_is_invited_while_the_try_out_account_is_not_configured(
    signed_in: Client, settings: Any
) -> None:
    settings.TRIAL_ACCOUNT_USERNAME = ""
    page = shown(signed_in.get(INVITE_URL))
    assert "try-out account" in page
    sent = signed_in.post(INVITE_URL, {"email": new_email(), "role": "member", "language": "en"})
    assert sent.status_code == 400
    assert "is not configured" in shown(sent)
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_reader_may_not_invite_or_revoke(
    make_account: Callable[..., KeystoneAccount], account: KeystoneAccount
) -> None:
    reader = make_account(roles=("reader",))
    invitation, _link = invitation_of(reader.project, new_email(), inviter=account)
    client = Client()
    assert client.post("/auth/login/", reader.credentials()).status_code == 302

    assert client.get(INVITE_URL).status_code == 403
    posted = client.post(INVITE_URL, {"email": new_email(), "role": "reader", "language": "en"})
    assert posted.status_code == 403
    assert client.post(f"/project/invitations/{invitation.pk}/revoke/").status_code == 403
    members = shown(client.get(MEMBERS_URL))
    assert reader.username in members
    assert INVITE_URL not in members
    assert Invitation.objects.get().revoked_at is None


@pytest.mark.django_db
@pytest.mark.shared_account
def test_another_projects_invitation_is_not_listed_nor_revocable_and_a_revoked_link_stops(
    signed_in: Client,
    account: KeystoneAccount,
    make_account: Callable[..., KeystoneAccount],
) -> None:
    stranger = make_account()
    theirs, _their_link = invitation_of(stranger.project, new_email(), inviter=stranger)
    mine, my_link = invitation_of(account.project, new_email(), inviter=account)

    page = shown(signed_in.get(MEMBERS_URL))
    assert mine.email in page
    assert theirs.email not in page
    assert signed_in.post(f"/project/invitations/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None

    revoked = signed_in.post(f"/project/invitations/{mine.pk}/revoke/", follow=True)
    assert "is revoked" in shown(revoked)
    assert 'data-state="revoked"' in shown(revoked)
    opened = Client().get(my_link)
    assert opened.status_code == 400
    assert "This link cannot be used" in shown(opened)
    assert "This invitation was revoked" in shown(opened)
    assert Client().post(my_link, {"as": "signed_in"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.shared_account
def test_expired_and_reused_links_and_password_errors(account: KeystoneAccount) -> None:
    invitation, link = invitation_of(account.project, new_email(), inviter=account)
    invitee = Client()

    differ = invitee.post(
        link, {"username": invitation.email, "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert differ.status_code == 400
    assert "The two passwords differ" in shown(differ)
    short = invitee.post(
        link, {"username": invitation.email, "password1": "abc", "password2": "abc"}
    )
    assert short.status_code == 400
    assert "too short" in shown(short)
    assert not Operation.objects.exists()
    assert OneTimeLink.objects.get(invitation=invitation).used_at is None

    # The first acceptance uses the link (its operation waits for a worker this test has not).
    first = invitee.post(
        link, {"username": invitation.email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert first.status_code == 200
    reused = Client().post(
        link, {"username": invitation.email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert reused.status_code == 400
    assert "already used" in shown(reused)
    assert Operation.objects.count() == 1
    assert Client().get(f"/invitations/status/{Operation.objects.get().pk}/").status_code == 404

    _second, expiring = invitation_of(account.project, new_email(), inviter=account)
    OneTimeLink.objects.filter(invitation=_second).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = Client().get(expiring)
    assert expired.status_code == 400
    assert "expired" in shown(expired)


def test_a_role_keystone_refuses_for_good_leaves_no_user_behind(
    celery_worker: Any, account: KeystoneAccount, cloud: Any, cleanup: Cleanup
) -> None:
    """A role of another domain: Keystone finds it by id but refuses it on this project (403,
    a domain-specific role's mismatch), after the user was made; the user is deleted again."""
    domain = cloud.identity.create_domain(name=f"test-{secrets.token_hex(4)}")
    cleanup(lambda: cloud.identity.delete_domain(domain, ignore_missing=True))
    cleanup(lambda: cloud.identity.update_domain(domain, is_enabled=False))
    role = cloud.identity.create_role(name=f"test-{secrets.token_hex(4)}", domain_id=domain.id)
    cleanup(lambda: cloud.identity.delete_role(role, ignore_missing=True))
    email = new_email()
    cleanup(delete_user_named(cloud, email))
    invitation, link = invitation_of(account.project, email, inviter=account)
    Invitation.objects.filter(pk=invitation.pk).update(role=role.id)

    invitee = Client()
    started = invitee.post(link, {"username": email, "password1": PASSWORD, "password2": PASSWORD})
    assert started.status_code == 200, started.content.decode()
    operation = operation_finished(Operation.objects.get(target_type="invitation").pk)

    assert operation.status == Operation.Status.FAILED
    assert "Could not give the role" in operation.error_message
    assert operation.result_id  # the user was made, then removed
    assert list(cloud.identity.users(name=email)) == []
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    members = Client()
    assert members.post("/auth/login/", account.credentials()).status_code == 302
    assert 'data-state="failed"' in shown(members.get(MEMBERS_URL))
    status = shown(invitee.get(f"/invitations/status/{operation.pk}/"))
    assert "Nothing was left half-made" in status
