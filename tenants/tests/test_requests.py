"""Tenants' requests for more quota and a longer trial, against the real cloud, a real worker and
a real SMTP server on loopback: the admin's approval lands in Nova (with the admin's own token,
recorded in the tenant's project), a rejection is mailed with its reason, small requests are let
through automatically once per period with the try-out account, an extension moves Keystone's
tag and the trial's end; and every refusal."""

import socket
import uuid
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.mail import Mailbox, smtp_mailers
from dashboard.testing.waiting import operation_finished
from tenants.models import ExpiryWarning, ExtensionRequest, Quota, QuotaRequest, Trial
from tenants.reconcile import reconcile_projects, reconcile_quotas
from tenants.services.requests import TRIAL_ENDS_FORMAT

pytestmark = [pytest.mark.cloud]

TENANT_EMAIL = "tenant@example.test"
ADMIN_EMAIL = "admins@example.test"


@pytest.fixture
def target(
    cloud: Any, account: KeystoneAccount, cleanup: Callable[[Callable[[], Any]], None]
) -> Any:
    """The member account's project, mirrored with its quotas, its own quotas dropped after."""
    project = account.project
    cleanup(lambda: cloud.network.delete_quota(project.id))
    cleanup(lambda: cloud.compute.revert_quota_set(project.id))
    reconcile_projects(conn=cloud, ids=[project.id])
    reconcile_quotas(conn=cloud, project_id=project.id)
    return project


@pytest.fixture
def admins_mailed(settings: Any) -> None:
    settings.ADMIN_EMAILS = [ADMIN_EMAIL]


def cores_limit(project_id: str) -> int:
    return Quota.objects.get(project_id=project_id, service="compute", resource="cores").limit


def ask_for_cores(client: Client, cores: int, **extra: Any) -> Any:
    data = {"compute_cores": cores, "reason": "a bigger test", "email": TENANT_EMAIL, **extra}
    return client.post("/requests/quota/", data)


def test_an_approved_quota_request_lands_in_nova_with_the_admins_token(
    celery_worker: Any,
    mailbox: Mailbox,
    admins_mailed: None,
    signed_in: Client,
    admin_client: Client,
    admin: KeystoneAccount,
    target: Any,
    cloud: Any,
) -> None:
    wanted = cores_limit(target.id) + 3
    form = signed_in.get("/requests/quota/")
    assert form.status_code == 200
    assert 'name="compute_cores"' in form.content.decode()

    asked = ask_for_cores(signed_in, wanted)

    assert asked.status_code == 302
    request = QuotaRequest.objects.get(project_id=target.id)
    assert request.status == QuotaRequest.Status.PENDING
    assert request.values == {"compute:cores": wanted}
    arrived = mailbox.wait_for(ADMIN_EMAIL)
    assert f"/admin/requests/quota/{request.pk}/" in Mailbox.links(arrived)
    queue = admin_client.get("/admin/requests/").content.decode()
    assert f'id="request-{request.pk}" data-status="pending"' in queue

    approved = admin_client.post(
        f"/admin/requests/quota/{request.pk}/", {"decision": "approve", "reason": ""}
    )

    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.operation_id is not None
    operation = operation_finished(request.operation_id)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert operation.action == "tenants.quota_request_apply"
    assert operation.user_id == admin.user_id
    assert operation.project_id == target.id
    assert cloud.compute.get_quota_set(target.id).cores == wanted
    request.refresh_from_db()
    assert request.status == QuotaRequest.Status.APPROVED
    mail = mailbox.wait_for(TENANT_EMAIL)
    assert "approved" in str(mail["Subject"])
    assert "/requests/" in Mailbox.links(mail)
    page = signed_in.get("/requests/").content.decode()
    assert f'id="request-{request.pk}" data-status="approved"' in page
    overview = signed_in.get("/").content.decode()
    assert 'data-request-status="approved"' in overview
    detail = admin_client.get(f"/admin/requests/quota/{request.pk}/").content.decode()
    assert f'id="operation-{operation.pk}"' in detail


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_is_mailed_with_it(
    mailbox: Mailbox, signed_in: Client, admin_client: Client, target: Any
) -> None:
    ask_for_cores(signed_in, cores_limit(target.id) + 1)
    request = QuotaRequest.objects.get(project_id=target.id)
    url = f"/admin/requests/quota/{request.pk}/"

    without_reason = admin_client.post(url, {"decision": "reject", "reason": " "})
    rejected = admin_client.post(url, {"decision": "reject", "reason": "Not on a trial, sorry."})

    assert without_reason.status_code == 200
    assert "Say why it is rejected" in without_reason.content.decode()
    assert rejected.status_code == 302
    request.refresh_from_db()
    assert request.status == QuotaRequest.Status.REJECTED
    assert request.operation_id is None
    mail = mailbox.wait_for(TENANT_EMAIL)
    assert "rejected" in str(mail["Subject"])
    assert "Not on a trial, sorry." in Mailbox.body(mail)
    assert "Not on a trial, sorry." in signed_in.get("/requests/").content.decode()
    again = admin_client.post(url, {"decision": "approve"})
    assert "no longer waiting" in again.content.decode()
    assert not Operation.objects.exists()


def test_a_request_within_one_step_is_approved_automatically_once_per_period(
    celery_worker: Any, settings: Any, signed_in: Client, target: Any, cloud: Any
) -> None:
    limit = cores_limit(target.id)
    settings.QUOTA_REQUEST_AUTO_APPROVE_DAYS = 30
    settings.QUOTA_REQUEST_SIZES = {
        "small": {"compute:cores": limit},
        "medium": {"compute:cores": limit + 4},
        "large": {"compute:cores": limit + 8},
    }

    ask_for_cores(signed_in, limit + 2)

    first = QuotaRequest.objects.get(project_id=target.id)
    assert first.auto_approved
    assert first.operation_id is not None
    operation = operation_finished(first.operation_id)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert operation.user_name == settings.TRIAL_ACCOUNT_USERNAME
    assert operation.project_id == target.id
    assert cloud.compute.get_quota_set(target.id).cores == limit + 2
    first.refresh_from_db()
    assert first.status == QuotaRequest.Status.APPROVED

    reconcile_quotas(conn=cloud, project_id=target.id)
    ask_for_cores(signed_in, limit + 3)

    second = QuotaRequest.objects.exclude(pk=first.pk).get(project_id=target.id)
    assert second.status == QuotaRequest.Status.PENDING
    assert not second.auto_approved
    assert second.operation_id is None


@pytest.mark.django_db
def test_a_request_beyond_one_step_waits(settings: Any, signed_in: Client, target: Any) -> None:
    limit = cores_limit(target.id)
    settings.QUOTA_REQUEST_AUTO_APPROVE_DAYS = 30
    settings.QUOTA_REQUEST_SIZES = {
        "small": {"compute:cores": limit},
        "medium": {"compute:cores": limit + 4},
        "large": {"compute:cores": limit + 8},
    }

    ask_for_cores(signed_in, limit + 5)

    request = QuotaRequest.objects.get(project_id=target.id)
    assert request.status == QuotaRequest.Status.PENDING
    assert not Operation.objects.exists()


def test_an_approved_extension_moves_the_keystone_tag_and_the_trials_end(
    celery_worker: Any,
    mailbox: Mailbox,
    signed_in: Client,
    admin_client: Client,
    target: Any,
    cloud: Any,
) -> None:
    ends = (timezone.now() + timedelta(days=5)).astimezone(UTC).replace(microsecond=0)
    old_tag = f"trial-ends:{ends.strftime(TRIAL_ENDS_FORMAT)}"
    cloud.identity.update_project(target.id, tags=["trial", old_tag])
    Trial.objects.create(project_id=target.id, project_name=target.name, ends_at=ends)
    ExpiryWarning.objects.create(
        project_id=target.id, resource_type="project", resource_id=target.id, removal_at=ends
    )
    ExpiryWarning.objects.create(
        project_id=target.id, resource_type="server", resource_id="s1", removal_at=ends
    )
    assert "Ask for more time" in signed_in.get("/").content.decode()

    asked = signed_in.post(
        "/requests/extension/", {"days": 10, "reason": "more tests", "email": TENANT_EMAIL}
    )

    assert asked.status_code == 302
    request = ExtensionRequest.objects.get(project_id=target.id)
    approved = admin_client.post(
        f"/admin/requests/extension/{request.pk}/", {"decision": "approve"}
    )
    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.operation_id is not None
    operation = operation_finished(request.operation_id)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    new_end = ends + timedelta(days=10)
    tags = cloud.identity.get_project(target.id).tags
    assert sorted(tags) == ["trial", f"trial-ends:{new_end.strftime(TRIAL_ENDS_FORMAT)}"]
    assert Trial.objects.get(project_id=target.id).ends_at == new_end
    assert list(ExpiryWarning.objects.values_list("resource_type", flat=True)) == ["server"]
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.APPROVED
    assert "approved" in str(mailbox.wait_for(TENANT_EMAIL)["Subject"])


@pytest.mark.django_db
def test_refusals(signed_in: Client, client: Client, target: Any) -> None:
    limit = cores_limit(target.id)

    not_above = ask_for_cores(signed_in, limit)
    nothing = signed_in.post("/requests/quota/", {"reason": "x", "email": TENANT_EMAIL})
    too_large = ask_for_cores(signed_in, 10**9)

    assert "Ask for more than your current limit" in not_above.content.decode()
    assert "Give at least one new limit" in nothing.content.decode()
    assert "At most" in too_large.content.decode()
    assert not QuotaRequest.objects.exists()

    assert ask_for_cores(signed_in, limit + 1).status_code == 302
    second = ask_for_cores(signed_in, limit + 2)
    assert second.status_code == 200
    assert "You already asked for this" in second.content.decode()
    assert QuotaRequest.objects.count() == 1

    no_trial = signed_in.get("/requests/extension/").content.decode()
    posted = signed_in.post(
        "/requests/extension/", {"days": 3, "reason": "x", "email": TENANT_EMAIL}
    )
    assert "not a trial with an end" in no_trial
    assert "not a trial with an end" in posted.content.decode()
    assert not ExtensionRequest.objects.exists()


@pytest.mark.django_db
def test_a_tenant_sees_only_its_projects_requests_and_not_the_queue(
    signed_in: Client, target: Any
) -> None:
    other = QuotaRequest.objects.create(
        project_id=uuid.uuid4().hex,
        project_name="someone-else",
        requested_by_user_id="u",
        requested_by_name="someone",
        reason="theirs",
        values={"compute:cores": 99},
    )

    assert "theirs" not in signed_in.get("/requests/").content.decode()
    assert signed_in.get("/admin/requests/").status_code == 403
    assert signed_in.get(f"/admin/requests/quota/{other.pk}/").status_code == 403
    assert (
        signed_in.post(f"/admin/requests/quota/{other.pk}/", {"decision": "approve"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_create_forms_quota_refusal_links_to_the_prefilled_request(
    signed_in: Client, target: Any, cloud: Any
) -> None:
    cloud.network.update_quota(target.id, networks=0)
    reconcile_quotas(conn=cloud, project_id=target.id)

    refused = signed_in.post("/network/networks/create/", {"name": "one-too-many"}).content.decode()

    assert "ask an administrator for a larger quota" in refused
    link = "/requests/quota/?resource=network_network"
    assert f'href="{link}"' in refused
    form = signed_in.get(link).content.decode()
    row = form.split('id="wanted-network_network"')[1].split("</tr>")[0]
    assert 'class="table-warning"' in form.split('id="wanted-network_network"')[1][:40]
    assert 'name="network_network" value="1"' in row


@pytest.mark.django_db
def test_the_tenant_is_answered_in_the_language_they_asked_in(
    mailbox: Mailbox, signed_in: Client, admin_client: Client, target: Any
) -> None:
    signed_in.post(
        "/requests/quota/",
        {"compute_cores": cores_limit(target.id) + 1, "reason": "测试", "email": TENANT_EMAIL},
        headers={"Accept-Language": "zh-hans"},
    )
    request = QuotaRequest.objects.get(project_id=target.id)
    assert request.language == "zh-hans"

    admin_client.post(
        f"/admin/requests/quota/{request.pk}/", {"decision": "reject", "reason": "配额不足"}
    )

    mail = mailbox.wait_for(TENANT_EMAIL)
    assert str(mail["Subject"]) == "你的配额申请被拒绝"
    body = Mailbox.body(mail)
    assert "管理员拒绝了你为项目" in body
    assert "配额不足" in body


@pytest.mark.django_db
def test_a_mail_server_that_fails_is_reported_not_a_500(
    settings: Any, admins_mailed: None, signed_in: Client, target: Any
) -> None:
    """Nothing listens on the mail server's port: the request is kept and the tenant told."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.MAILERS = smtp_mailers(closed)

    asked = signed_in.post(
        "/requests/quota/",
        {"compute_cores": cores_limit(target.id) + 1, "reason": "x", "email": TENANT_EMAIL},
        follow=True,
    )

    assert asked.status_code == 200
    assert "The administrators could not be emailed" in asked.content.decode()
    assert QuotaRequest.objects.filter(project_id=target.id).exists()


def test_a_failed_approval_marks_the_request_failed_with_the_operations_reason(
    celery_worker: Any, admin_client: Client, signed_in: Client
) -> None:
    """A trial whose Keystone project is gone: Keystone really answers 404 to the tag move."""
    missing = uuid.uuid4().hex
    Trial.objects.create(
        project_id=missing, project_name="gone", ends_at=timezone.now() + timedelta(days=1)
    )
    request = ExtensionRequest.objects.create(
        project_id=missing,
        project_name="gone",
        requested_by_user_id="u",
        requested_by_name="someone",
        reason="more",
        days=3,
    )

    admin_client.post(f"/admin/requests/extension/{request.pk}/", {"decision": "approve"})

    request.refresh_from_db()
    assert request.operation_id is not None
    operation = operation_finished(request.operation_id)
    assert operation.status == Operation.Status.FAILED
    assert operation.project_id == missing
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.FAILED
    page = admin_client.get(f"/admin/requests/extension/{request.pk}/").content.decode()
    assert 'data-status="failed"' in page
    assert "it no longer exists or is not visible to this project" in page
