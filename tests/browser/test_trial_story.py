"""A try-out cloud's whole lifecycle in Chromium, against the local cloud, a real worker and a
real SMTP server on loopback: someone signs up, follows the mailed link, an admin approves in
the queue, the applicant chooses a password through the second mail, signs in and finds the
network ready, launches an instance, asks for more quota and gets it; then the trial's end is
moved into the past and the clean-up leaves nothing of that project in the cloud, disables it,
and every other project's resources are untouched (asserted against the cloud)."""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dashboard.operations.models import Operation
from dashboard.testing.browser import sign_in
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.mail import Mailbox
from dashboard.testing.waiting import operation_finished, wait_until
from instances.models import Server
from instances.reconcile import reconcile_flavors, reconcile_images
from tenants.models import Application, QuotaRequest, Trial
from tenants.reconcile import reconcile_quotas
from tenants.tasks import trial_cleanup_task
from tests.test_trial_cleanup import cloud_objects, remove_everything

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]

Cleanup = Callable[[Callable[[], Any]], None]
DONE = 60_000  # ms an operation may take on a busy machine
PASSWORD = "a-Long-enough-pass-7391"
ADMIN_EMAIL = "admins@example.test"


def test_sign_up_approval_network_instance_more_quota_then_the_trial_ends(
    page: Page,
    browser: Any,
    live_server: Any,
    celery_worker: Any,
    mailbox: Mailbox,
    settings: Any,
    admin: KeystoneAccount,
    make_account: Callable[..., KeystoneAccount],
    cloud: Any,
    cleanup: Cleanup,
) -> None:
    settings.SITE_URL = live_server.url
    settings.ADMIN_EMAILS = [ADMIN_EMAIL]
    settings.TRIAL_PROJECT_LIFETIME_DAYS = 30
    # Chromium signs up from 127.0.0.1, as every run of this test does within the hour.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "sign_up": "1000/hour",
        },
    }
    email = f"test-story-{secrets.token_hex(4)}@example.org"
    # Another tenant's resources, which the clean-up must leave alone.
    other = make_account()
    other_network = cloud.network.create_network(name="other-net", project_id=other.project.id)
    cleanup(lambda: cloud.network.delete_network(other_network, ignore_missing=True))
    other_before = cloud_objects(cloud, other.project.id, other.user_id)

    # Sign up and verify the email through the mailed link.
    page.goto(f"{live_server.url}/auth/login/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Name", exact=True).fill("Ana Story")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Organisation").fill("Example University")
    page.get_by_label("What you want to try").fill("Routers and floating IPs")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Check your mail")).to_be_visible()
    [verify] = Mailbox.links(mailbox.wait_for(email))
    page.goto(f"{live_server.url}{verify}")
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_text("waits for an administrator")).to_be_visible()
    application = Application.objects.get(email=email)
    cleanup(lambda: remove_everything(cloud, application.project_id, application.user_id))

    # An administrator approves it from the queue.
    admin_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(admin_page, live_server.url, admin)
    admin_page.goto(f"{live_server.url}/admin/applications/")
    admin_page.locator(f"#application-{application.pk}").get_by_role("link", name="Open").click()
    admin_page.get_by_role("button", name="Approve").click()
    application.refresh_from_db()
    set_up = operation_finished(application.operation_id, timeout=150)
    assert set_up.status == Operation.Status.SUCCEEDED, set_up.error_message
    application.refresh_from_db()
    project_id = application.project_id
    cleanup(lambda: remove_everything(cloud, project_id, application.user_id))

    # The second mail: choose a password, then sign in to a project whose network is ready.
    [choose] = Mailbox.links(mailbox.wait_for(email, count=2))
    page.goto(f"{live_server.url}{choose}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    expect(page.locator("#password-set")).to_contain_text(application.username)
    setting = Operation.objects.get(target_type="user", target_id=application.user_id)
    assert operation_finished(setting.pk).status == Operation.Status.SUCCEEDED
    sign_in(
        page,
        live_server.url,
        KeystoneAccount(
            username=application.username, password=PASSWORD, user_id=application.user_id
        ),
    )
    page.get_by_role("link", name="Networks").first.click()
    expect(page.locator("#object-table")).to_contain_text("starter-network")
    expect(page.get_by_text("This trial ends")).to_be_visible()

    # Launch an instance on it.
    reconcile_images(conn=cloud, ids=[cloud.image.find_image("cirros-fake").id])
    reconcile_flavors(conn=cloud)
    network = next(cloud.network.networks(project_id=project_id, name="starter-network"))
    page.goto(f"{live_server.url}/compute/instances/launch/")
    page.get_by_label("Name", exact=True).fill("trial-vm")
    page.get_by_label("Image").select_option(cloud.image.find_image("cirros-fake").id)
    page.get_by_label("Flavor").select_option(cloud.compute.find_flavor("m1.nano").id)
    page.locator("#id_nics_1").select_option(f"network:{network.id}")
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page.locator(".operation-status").first).to_have_attribute(
        "data-status", "succeeded", timeout=DONE
    )
    wait_until(
        lambda: Server.objects.filter(project_id=project_id, name="trial-vm").exists(),
        timeout=60,
        what="the instance in the mirror",
    )

    # Ask for more vCPUs; the administrator approves; the tenant sees it.
    reconcile_quotas(conn=cloud, project_id=project_id)
    wanted = settings.TRIAL_QUOTAS["compute:cores"] + 2
    page.goto(f"{live_server.url}/requests/quota/")
    page.locator("#id_compute_cores").fill(str(wanted))
    page.get_by_label("Reason").fill("A second instance for a cluster")
    page.get_by_role("button", name="Send the request").click()
    request = QuotaRequest.objects.get(project_id=project_id)
    admin_page.goto(f"{live_server.url}/admin/requests/quota/{request.pk}/")
    admin_page.get_by_role("button", name="Approve").click()
    request.refresh_from_db()
    applied = operation_finished(request.operation_id, timeout=120)
    assert applied.status == Operation.Status.SUCCEEDED, applied.error_message
    assert cloud.compute.get_quota_set(project_id).cores == wanted
    page.goto(f"{live_server.url}/requests/")
    expect(page.locator(f"#request-{request.pk}")).to_have_attribute("data-status", "approved")

    # The trial's end passes: the clean-up leaves nothing of it, and no other project loses any.
    assert cloud_objects(cloud, project_id, application.user_id)
    Trial.objects.filter(project_id=project_id).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    trial_cleanup_task()
    ending = Operation.objects.get(action="tenants.trial_end", target_id=project_id)
    assert operation_finished(ending.pk, timeout=180).status == Operation.Status.SUCCEEDED
    assert cloud_objects(cloud, project_id, application.user_id) == set()
    assert not cloud.identity.get_project(project_id).is_enabled
    assert cloud_objects(cloud, other.project.id, other.user_id) == other_before
    assert cloud.identity.get_project(other.project.id).is_enabled
