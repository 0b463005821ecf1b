"""Sign-up against the local cloud, a real Celery worker and a real SMTP server on loopback: the
applicant signs up, follows the mailed links, an admin approves, the composite operation makes
the project, user, quotas and network (asserted against the cloud), the applicant chooses a
password and signs in to a project whose network is ready; automatic approval by the policy; a
failing step leaves nothing in the cloud and an admin may approve again; and every bad input."""

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
from networks.services.common import operation_tag
from tenants.models import Application, OneTimeLink, SignUpPolicy, Trial
from tenants.services.links import link_issue
from tenants.services.requests import TRIAL_ENDS_TAG
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]

SIGN_UP_URL = "/signup/"
QUEUE_URL = "/admin/applications/"
PASSWORD = "a-Long-enough-pass-7391"
ADMIN_EMAIL = "admins@example.test"

Cleanup = Callable[[Callable[[], Any]], None]


def new_email(domain: str = "example.org") -> str:
    return f"test-signup-{secrets.token_hex(4)}@{domain}"


def visitor() -> Client:
    """A browser from an address of its own: the sign-up throttle counts per address."""
    return Client(REMOTE_ADDR=f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}")


def form_data(email: str, **extra: str) -> dict[str, str]:
    return {
        "name": "Ana Test",
        "email": email,
        "organisation": "Example University",
        "purpose": "Kubernetes on OpenStack",
        "language": "en",
        **extra,
    }


def delete_trial(cloud: Any, email: str) -> Callable[[], None]:
    """Undo what a sign-up made in the cloud: the project's network, the user, the project."""

    def undo() -> None:
        for project in cloud.identity.projects(name=email):
            for router in cloud.network.routers(project_id=project.id):
                for port in cloud.network.ports(device_id=router.id):
                    if port.device_owner == "network:router_interface":
                        cloud.network.remove_interface_from_router(router, port_id=port.id)
                cloud.network.delete_router(router)
            for network in cloud.network.networks(project_id=project.id):
                cloud.network.delete_network(network)
            for group in cloud.network.security_groups(project_id=project.id):
                cloud.network.delete_security_group(group, ignore_missing=True)
            cloud.network.delete_quota(project.id)
            cloud.compute.revert_quota_set(project.id)
            cloud.identity.delete_project(project)
        for user in cloud.identity.users(name=email):
            cloud.identity.delete_user(user)

    return undo


def verified_application(email: str, **fields: Any) -> Application:
    return Application.objects.create(
        name="Ana Test",
        email=email,
        status=Application.Status.PENDING,
        verified_at=timezone.now(),
        **fields,
    )


def link_path(mail: Any) -> str:
    [link] = Mailbox.links(mail)
    return link


def test_sign_up_verify_approve_choose_a_password_and_find_the_network_ready(
    celery_worker: Any,
    mailbox: Mailbox,
    settings: Any,
    admin_client: Client,
    admin: KeystoneAccount,
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    settings.ADMIN_EMAILS = [ADMIN_EMAIL]
    settings.TRIAL_PROJECT_LIFETIME_DAYS = 30
    email = new_email()
    cleanup(delete_trial(cloud, email))
    applicant = visitor()
    assert 'href="/signup/"' in applicant.get("/auth/login/").content.decode()

    sent = applicant.post(SIGN_UP_URL, form_data(email))
    assert sent.status_code == 200, shown(sent)
    assert "Check your mail" in shown(sent)
    verify = link_path(mailbox.wait_for(email))
    assert "Confirm my email" in shown(applicant.get(verify))
    assert Application.objects.get(email=email).status == Application.Status.UNVERIFIED
    verified = applicant.post(verify)
    assert "waits for an administrator" in shown(verified)
    application = Application.objects.get(email=email)
    assert application.status == Application.Status.PENDING
    told = mailbox.wait_for(ADMIN_EMAIL)
    assert email in Mailbox.body(told)
    decide = link_path(told)
    assert decide == f"{QUEUE_URL}{application.pk}/"

    assert email in shown(admin_client.get(QUEUE_URL))
    approved = admin_client.post(decide, {"decision": "approve"})
    assert approved.status_code == 302, shown(approved)
    application.refresh_from_db()
    operation = operation_finished(application.operation_id, timeout=120)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert operation.user_name == admin.username
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert operation.project_id == application.project_id
    assert operation.acting_project_id == admin.project.id

    project = cloud.identity.get_project(application.project_id)
    assert "trial" in project.tags
    assert any(tag.startswith(TRIAL_ENDS_TAG) for tag in project.tags)
    [user] = list(cloud.identity.users(name=email))
    assert user.id == application.user_id
    assert user.email == email
    roles = {
        assignment.role["name"]
        for assignment in cloud.identity.role_assignments(
            user_id=user.id, scope_project_id=project.id, include_names=True
        )
    }
    assert "member" in roles
    assert cloud.compute.get_quota_set(project.id).cores == settings.TRIAL_QUOTAS["compute:cores"]
    [network] = list(cloud.network.networks(project_id=project.id))
    [subnet] = list(cloud.network.subnets(project_id=project.id))
    [router] = list(cloud.network.routers(project_id=project.id))
    assert subnet.cidr == settings.TRIAL_SUBNET_CIDR
    assert subnet.network_id == network.id
    assert router.external_gateway_info["network_id"]
    interfaces = [
        port
        for port in cloud.network.ports(device_id=router.id)
        if port.device_owner == "network:router_interface"
    ]
    assert [port.fixed_ips[0]["subnet_id"] for port in interfaces] == [subnet.id]
    trial = Trial.objects.get(project_id=project.id)
    assert trial.owner_email == email
    assert trial.ends_at is not None
    assert set(operation.steps) >= {"project", "user", "network", "router", "interface"}

    password_link = link_path(mailbox.wait_for(email, count=2))
    assert email in shown(applicant.get(password_link))
    differ = applicant.post(password_link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert differ.status_code == 400
    assert "The two passwords differ" in shown(differ)
    chosen = applicant.post(password_link, {"password1": PASSWORD, "password2": PASSWORD})
    assert chosen.status_code == 200, shown(chosen)
    setting = Operation.objects.get(target_type="user", target_id=user.id)
    assert PASSWORD not in str(setting.params)
    assert setting.project_id == project.id
    assert operation_finished(setting.pk).status == Operation.Status.SUCCEEDED
    assert applicant.get(password_link).status_code == 400  # used

    signed = applicant.post(
        "/auth/login/", {"username": email, "password": PASSWORD, "domain": "Default"}
    )
    assert signed.status_code == 302, shown(signed)
    keystone = KeystoneSession.load(applicant.session)
    assert keystone is not None
    assert keystone.project_id == project.id
    assert "starter-network" in shown(applicant.get("/network/networks/"))
    assert "Set up the trial project" in shown(applicant.get("/activity/"))


def test_the_policy_approves_listed_domains_with_the_try_out_account_up_to_its_cap(
    celery_worker: Any, mailbox: Mailbox, settings: Any, cloud: Any, cleanup: Cleanup
) -> None:
    SignUpPolicy.objects.update_or_create(
        pk=1, defaults={"auto_approve_domains": "auto.example.org", "daily_cap": 1}
    )
    first, second = new_email("auto.example.org"), new_email("auto.example.org")
    cleanup(delete_trial(cloud, first))
    applicant = visitor()

    applicant.post(SIGN_UP_URL, form_data(first))
    verified = applicant.post(link_path(mailbox.wait_for(first)))
    assert "Your application is approved" in shown(verified)
    application = Application.objects.get(email=first)
    assert application.auto_approved
    operation = operation_finished(application.operation_id, timeout=120)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert operation.user_name == settings.TRIAL_ACCOUNT_USERNAME
    assert "choose your password" in Mailbox.body(mailbox.wait_for(first, count=2))

    applicant.post(SIGN_UP_URL, form_data(second))
    applicant.post(link_path(mailbox.wait_for(second)))
    assert Application.objects.get(email=second).status == Application.Status.PENDING


def test_a_failing_step_leaves_nothing_in_the_cloud_and_an_admin_approves_again(
    celery_worker: Any,
    mailbox: Mailbox,
    settings: Any,
    admin_client: Client,
    make_account: Callable[..., KeystoneAccount],
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    """Two applications approved in bulk; the router step fails for real (the external network
    named does not exist). The second's email became a user's name after it applied."""
    settings.TRIAL_EXTERNAL_NETWORK = "no-such-external-network"
    email, taken = new_email(), new_email()
    cleanup(delete_trial(cloud, email))
    cleanup(delete_trial(cloud, taken))
    cloud.identity.update_user(make_account().user_id, name=taken)
    application, second = verified_application(email), verified_application(taken)
    url = f"{QUEUE_URL}{application.pk}/"

    bulk = admin_client.post(
        QUEUE_URL, {"pk": [application.pk, second.pk], "decision": "approve", "reason": ""}
    )
    assert bulk.status_code == 302
    for row in (application, second):
        row.refresh_from_db()
        operation = operation_finished(row.operation_id, timeout=120)
        assert operation.status == Operation.Status.FAILED
        assert "no-such-external-network" in operation.error_message
        row.refresh_from_db()
        assert row.status == Application.Status.FAILED
        assert row.reason == operation.error_message
        assert list(cloud.identity.projects(name=row.email)) == []
        tag = operation_tag(operation)
        assert list(cloud.network.networks(description=tag)) == []
        assert list(cloud.network.networks(tags=tag)) == []
        assert operation.steps == {}
    assert list(cloud.identity.users(name=email)) == []
    assert second.username != taken
    assert list(cloud.identity.users(name=second.username)) == []
    page = shown(admin_client.get(url))
    assert "no-such-external-network" in page
    assert "Approve again" in page

    settings.TRIAL_EXTERNAL_NETWORK = ""
    assert admin_client.post(url, {"decision": "approve"}).status_code == 302
    application.refresh_from_db()
    again = operation_finished(application.operation_id, timeout=120)
    assert again.status == Operation.Status.SUCCEEDED, again.error_message
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert [project.id for project in cloud.identity.projects(name=email)] == [
        application.project_id
    ]


@pytest.mark.django_db
def test_rejecting_in_bulk_needs_a_reason_and_mails_it_in_the_applicants_language(
    mailbox: Mailbox, admin_client: Client, signed_in: Client
) -> None:
    chinese, english = new_email(), new_email()
    verified_application(chinese, language="zh-hans")
    verified_application(english)
    selected = list(Application.objects.values_list("pk", flat=True))

    assert signed_in.get(QUEUE_URL).status_code == 403
    no_reason = admin_client.post(QUEUE_URL, {"pk": selected, "decision": "reject"})
    assert no_reason.status_code == 400
    assert "Say why it is rejected" in shown(no_reason)
    nothing = admin_client.post(QUEUE_URL, {"decision": "reject", "reason": "Full"})
    assert "Select at least one application first." in shown(nothing)

    rejected = admin_client.post(
        QUEUE_URL, {"pk": selected, "decision": "reject", "reason": "The trial cloud is full."}
    )
    assert rejected.status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {"rejected"}
    assert "The trial cloud is full." in Mailbox.body(mailbox.wait_for(english))
    assert "管理员" in Mailbox.body(mailbox.wait_for(chinese))
    filtered = shown(admin_client.get(f"{QUEUE_URL}?status=pending"))
    assert english not in filtered
    assert "No applications." in filtered
    again = admin_client.post(f"{QUEUE_URL}{selected[0]}/", {"decision": "approve"})
    assert "no longer waiting" in shown(again)


@pytest.mark.django_db
def test_the_policy_form_refuses_what_is_no_domain(admin_client: Client) -> None:
    bad = admin_client.post("/admin/applications/policy/", {"auto_approve_domains": "not a/domain"})
    assert bad.status_code == 400
    assert "is not an email domain" in shown(bad)

    saved = admin_client.post(
        "/admin/applications/policy/", {"auto_approve_domains": "@Example.org", "daily_cap": 5}
    )
    assert saved.status_code == 302
    policy = SignUpPolicy.current()
    assert (policy.auto_approve_domains, policy.daily_cap) == ("example.org", 5)


@pytest.mark.django_db
def test_bad_input_gets_clear_messages_and_nothing_is_kept(
    mailbox: Mailbox, settings: Any, account: KeystoneAccount, cloud: Any
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"sign_up": "100/hour"},
    }
    applicant = visitor()
    bad = applicant.post(SIGN_UP_URL, form_data("not-an-email"))
    assert bad.status_code == 400
    assert "Enter a whole email address" in shown(bad)

    bot = applicant.post(SIGN_UP_URL, form_data(new_email(), website="http://spam.example"))
    assert "Check your mail" in shown(bot)
    assert not Application.objects.exists()
    assert mailbox.messages == []

    taken = new_email()
    cloud.identity.update_user(account.user_id, email=taken)
    exists = applicant.post(SIGN_UP_URL, form_data(taken.upper()))
    assert exists.status_code == 400
    assert "already has an account" in shown(exists)
    named = new_email()
    cloud.identity.update_user(account.user_id, name=named, email="")
    assert "already has an account" in shown(applicant.post(SIGN_UP_URL, form_data(named)))

    email = new_email()
    applicant.post(SIGN_UP_URL, form_data(email))
    first = link_path(mailbox.wait_for(email))
    twice = applicant.post(SIGN_UP_URL, form_data(email))
    assert twice.status_code == 400
    assert "You already applied" in shown(twice)
    assert 'id="resend-form"' in twice.content.decode()
    applicant.post("/signup/resend/", {"email": email})
    second = link_path(mailbox.wait_for(email, count=2))
    assert applicant.post(first).status_code == 400  # replaced by the new link
    assert applicant.post(second).status_code == 200
    assert "already used" in shown(applicant.post(second))

    application = Application.objects.get(email=email)
    expired = link_issue(
        purpose=OneTimeLink.Purpose.VERIFY_EMAIL,
        application=application,
        lifetime=timedelta(seconds=-1),
    )
    assert "expired" in shown(applicant.get(urlsplit(expired).path))


@pytest.mark.django_db
def test_sign_ups_are_throttled_per_address_and_the_page_says_when_to_try_again(
    settings: Any, mailbox: Mailbox
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"sign_up": "2/hour"},
    }
    applicant, other = visitor(), visitor()
    for _ in range(2):
        applicant.post(SIGN_UP_URL, form_data(new_email()))

    refused = applicant.post(SIGN_UP_URL, form_data(new_email()))
    assert refused.status_code == 429
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert "Try again in" in shown(refused)
    assert Application.objects.count() == 2
    assert other.post(SIGN_UP_URL, form_data("x")).status_code == 400  # its own count


@pytest.mark.django_db
def test_no_password_is_set_while_the_try_out_account_is_not_configured(settings: Any) -> None:
    settings.TRIAL_ACCOUNT_USERNAME = ""
    email = new_email()
    application = verified_application(email, username=email)
    url = link_issue(
        purpose=OneTimeLink.Purpose.SET_PASSWORD,
        application=application,
        user_id="a-user-id",
        lifetime=timedelta(days=1),
    )
    path = urlsplit(url).path

    refused = visitor().post(path, {"password1": PASSWORD, "password2": PASSWORD})

    assert refused.status_code == 400
    assert "try-out account" in shown(refused)
    assert not Operation.objects.exists()
    assert OneTimeLink.objects.get(purpose="set_password").used_at is None
