"""Sign-up: applying, verifying the email, the administrators' decision (or the automatic
approval rules of `SignUpPolicy`), the one composite operation that sets a trial up, and the
operation that sets the new user's password.

Setting a trial up (`application_set_up`) runs with the approving admin's token, or the try-out
cloud's account for an automatic approval. It is started in the actor's project and moved to the
new project as soon as the project exists, so that project's Activity shows it. Its steps
(`dashboard.operations.composite`): the Keystone project (tagged `trial`, and `trial-ends:<time>`
when trials have a lifetime), the user (named after the email unless taken) with the member role,
the trial quotas, then the starter resources the apps above registered (`tenants.starters`: the
networks app's ready-to-use network). A step that fails for good undoes the others in reverse:
nothing half-made stays, the application is marked failed with the reason and an admin may
approve it again. On success the applicant is mailed a single-use link to choose a password.
"""

import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudError, CloudPermanentError, translated
from dashboard.cloud.identity import KEYSTONE, identity_proxy, trial_account_configured
from dashboard.i18n import Message, gettext_noop
from dashboard.mail import absolute_url, mail_send, mail_try
from dashboard.operations.composite import Step, composite_run, will_retry
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest, operation_service
from dashboard.operations.services import Actor, OperationRefused, operation_start
from tenants.lifetimes import trial_changed
from tenants.models import Application, OneTimeLink, SignUpPolicy, Trial
from tenants.reconcile import reconcile_projects
from tenants.selectors.invitations import keystone_user_named
from tenants.selectors.sign_up import auto_approved_today, policy_domains
from tenants.services.keystone_users import (
    password_forget,
    password_keep,
    password_take,
    project_role_assign,
    user_undo,
)
from tenants.services.links import link_issue
from tenants.services.quotas import project_quotas_update
from tenants.services.requests import AUTOMATIC, TRIAL_ENDS_FORMAT, TRIAL_ENDS_TAG
from tenants.services.trial_account import trial_actor
from tenants.starters import PROJECT_STEP, starter_steps

log = structlog.get_logger(__name__)

Status = Application.Status
TRIAL_TAG = "trial"
MEMBER_ROLE = "member"
# Keystone revokes tokens issued in the same second as a password change: the new password is
# usable for signing in only after this.
PASSWORD_SETTLES_SECONDS = 1.1


class ApplicationRefused(Exception):
    """An application that cannot be made or decided now; the message says why."""


# ---- applying and verifying --------------------------------------------------------------------


def _verification_mail(application: Application) -> None:
    """Issue a new verification link (earlier ones stop working) and mail it now; raises the
    mail backend's error."""
    url = link_issue(
        purpose=OneTimeLink.Purpose.VERIFY_EMAIL,
        application=application,
        lifetime=timedelta(hours=settings.SIGNUP_VERIFY_HOURS),
    )
    mail_send(
        to=application.email,
        language=application.language,
        template="mail/sign_up_verify",
        context={"application": application, "url": url, "hours": settings.SIGNUP_VERIFY_HOURS},
    )


def application_create(
    *,
    name: str,
    email: str,
    organisation: str,
    purpose: str,
    language: str,
    client_address: str | None,
) -> Application:
    """Record an unverified application and mail its verification link. Raises
    ApplicationRefused while another application of the email is open; the mail backend's error
    (SMTPException, OSError) when the mail cannot be sent, and then nothing is kept."""
    try:
        with transaction.atomic():
            application = Application.objects.create(
                name=name,
                email=email,
                organisation=organisation,
                purpose=purpose,
                language=language,
                client_address=client_address,
            )
    except IntegrityError:
        raise ApplicationRefused(
            _("You already applied with %(email)s; check your mail.") % {"email": email}
        ) from None
    try:
        _verification_mail(application)
    except Exception:
        application.delete()
        raise
    log.info("application.created", application=str(application.pk))
    return application


def application_verification_resend(*, application: Application) -> None:
    """Mail a new verification link of an unverified application (the older ones stop
    working); raises the mail backend's error."""
    if application.status == Status.UNVERIFIED:
        _verification_mail(application)


def auto_approvable(*, application: Application) -> bool:
    """Whether the policy approves the application without an administrator: its email's
    domain is listed, fewer than the daily cap were approved automatically in the last 24 hours,
    and the try-out account is configured."""
    policy = SignUpPolicy.current()
    domain = application.email.rsplit("@", 1)[-1].lower()
    return (
        trial_account_configured()
        and domain in policy_domains(policy=policy)
        and auto_approved_today() < policy.daily_cap
    )


def application_verify(*, application: Application) -> Operation | None:
    """The email is verified: the application waits for an administrator (who is mailed), or
    the policy approves it now with the try-out account; the setting-up operation, or None."""
    verified = Application.objects.filter(pk=application.pk, status=Status.UNVERIFIED).update(
        status=Status.PENDING, verified_at=timezone.now()
    )
    application.refresh_from_db()
    if not verified:
        return None
    if auto_approvable(application=application):
        try:
            return application_approve(
                application=application, actor=trial_actor(), decided_by=AUTOMATIC, auto=True
            )
        except (CloudError, ApplicationRefused, OperationRefused) as exc:
            log.warning("application.auto_approval_failed", error=str(exc))
    url = absolute_url(reverse("tenants:admin_application", kwargs={"pk": application.pk}))
    for address in settings.ADMIN_EMAILS:
        mail_try(
            to=address,
            language=settings.LANGUAGE_CODE,
            template="mail/application_arrived",
            context={"application": application, "url": url},
        )
    return None


def sign_up_policy_update(*, domains: str, daily_cap: int, updated_by: str) -> SignUpPolicy:
    """Save the automatic approval rules (the one `SignUpPolicy` row)."""
    policy = SignUpPolicy.current()
    policy.auto_approve_domains, policy.daily_cap, policy.updated_by = (
        domains,
        daily_cap,
        updated_by,
    )
    policy.save()
    return policy


# ---- deciding ----------------------------------------------------------------------------------


def _lock_decidable(application: Application) -> Application:
    row = Application.objects.select_for_update().get(pk=application.pk)
    if row.status not in (Status.PENDING, Status.FAILED):
        raise ApplicationRefused(
            _("This application is no longer waiting for a decision (it is %(status)s).")
            % {"status": row.get_status_display()}
        )
    return row


def _username_for(email: str) -> str:
    """The new user's name: the email, unless Keystone has a user of that name."""
    domain_id = _domain_id(service_connection())
    if keystone_user_named(name=email, domain_id=domain_id) is None:
        return email
    return f"{email.split('@', 1)[0]}-{secrets.token_hex(3)}"


def _domain_id(conn: Connection) -> str:
    with translated(doing=Message(gettext_noop("find the domain")), service=KEYSTONE):
        return str(
            identity_proxy(conn)
            .find_domain(settings.OPENSTACK_DEFAULT_DOMAIN, ignore_missing=False)
            .id
        )


def application_approve(
    *, application: Application, actor: Actor, decided_by: str, auto: bool = False
) -> Operation:
    """Start the operation that sets the applicant's trial up, as `actor`; the application is
    then being set up. A failed set-up may be approved again. Raises ApplicationRefused when it
    no longer waits, OperationRefused while it is being set up, CloudError when Keystone cannot
    be read."""
    username = _username_for(application.email)
    lifetime = settings.TRIAL_PROJECT_LIFETIME_DAYS
    ends_at = (
        (timezone.now() + timedelta(days=lifetime)).astimezone(UTC).strftime(TRIAL_ENDS_FORMAT)
        if lifetime > 0
        else ""
    )
    with transaction.atomic():
        row = _lock_decidable(application)
        operation = operation_start(
            actor=actor,
            request=OperationRequest(
                service=application_set_up,
                description=Message(
                    gettext_noop("Set up the trial project of %(email)s"), {"email": row.email}
                ),
                target_type="application",
                target_id=str(row.pk),
                target_name=row.email,
                params={"application_id": str(row.pk), "username": username, "ends_at": ends_at},
            ),
        )
        row.status = Status.APPROVING
        row.username = username
        row.reason = ""
        row.operation_id = operation.pk
        row.decided_by = decided_by
        row.decided_at = timezone.now()
        row.auto_approved = auto
        row.save()
    application.refresh_from_db()
    return operation


def application_reject(*, application: Application, decided_by: str, reason: str) -> bool:
    """Reject the application with `reason`, mailed in the applicant's language; whether the
    mail went out. Raises ApplicationRefused when it no longer waits."""
    with transaction.atomic():
        row = _lock_decidable(application)
        row.status = Status.REJECTED
        row.reason = reason
        row.decided_by = decided_by
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    application.refresh_from_db()
    return mail_try(
        to=row.email,
        language=row.language,
        template="mail/application_rejected",
        context={"application": row},
    )


def applications_settle(applications: list[Application]) -> None:
    """Mark failed the applications being set up whose operation ended without its service
    finishing (signed out, stuck, crashed), with the operation's reason."""
    for application in applications:
        if application.status != Status.APPROVING or application.operation_id is None:
            continue
        operation = Operation.objects.filter(pk=application.operation_id).first()
        if operation is not None and operation.status == Operation.Status.FAILED:
            _fail(str(application.pk), operation.failure_message or Message(""))
            application.refresh_from_db()


def _fail(application_id: str, reason: Message) -> None:
    with transaction.atomic():
        Application.objects.filter(pk=application_id, status=Status.APPROVING).update(
            status=Status.FAILED, reason=str(reason)
        )


# ---- setting the trial up ----------------------------------------------------------------------


def _marker(operation: Operation) -> str:
    """What the project and user an operation makes carry as their description, so a retry
    finds them instead of making twins."""
    return f"sign-up operation {operation.pk}"


def _set_up_steps(
    *,
    conn: Connection,
    operation: Operation,
    application: Application,
    username: str,
    tags: list[str],
) -> list[Step]:
    identity = identity_proxy(conn)
    marker = _marker(operation)
    email = application.email

    def project_do(done: Mapping[str, Any]) -> str:
        doing = Message(gettext_noop("create the project “%(name)s”"), {"name": email})
        with translated(doing=doing, service=KEYSTONE):
            domain_id = _domain_id(conn)
            found = list(identity.projects(name=email, domain_id=domain_id))
            if found and found[0].description != marker:
                raise CloudPermanentError(
                    Message(
                        gettext_noop(
                            "Could not create the project “%(name)s”: a project of this name "
                            "exists. Rename or delete it, then approve again."
                        ),
                        {"name": email},
                    )
                )
            project = (
                found[0]
                if found
                else identity.create_project(
                    name=email, domain_id=domain_id, description=marker, tags=tags, is_enabled=True
                )
            )
        # From now on the operation is the new project's (its Activity shows it); the worker's
        # connection stays scoped to the actor's project.
        scope = operation.scope_project_id
        operation.project_id, operation.acting_project_id = str(project.id), scope
        Operation.objects.filter(pk=operation.pk).update(
            project_id=project.id, acting_project_id=scope
        )
        return str(project.id)

    def project_undo(project_id: str) -> None:
        doing = Message(gettext_noop("delete the project “%(name)s” again"), {"name": email})
        with translated(doing=doing, service=KEYSTONE):
            identity.delete_project(project_id, ignore_missing=True)

    def user_do(done: Mapping[str, Any]) -> str:
        doing = Message(gettext_noop("create the user “%(name)s”"), {"name": username})
        with translated(doing=doing, service=KEYSTONE):
            project = identity.get_project(done[PROJECT_STEP])
            for user in identity.users(name=username, domain_id=project.domain_id):
                if getattr(user, "description", "") == marker:
                    return str(user.id)
                raise CloudPermanentError(
                    Message(
                        gettext_noop(
                            "Could not create the user “%(name)s”: a user of this name was made "
                            "in the meantime. Approve the application again to choose another."
                        ),
                        {"name": username},
                    )
                )
            user = identity.create_user(
                name=username,
                email=email,
                domain_id=project.domain_id,
                default_project_id=project.id,
                description=marker,
                enabled=True,
            )
        return str(user.id)

    def user_do_undo(user_id: str) -> None:
        user_undo(conn=conn, user=identity.get_user(user_id))

    def role_do(done: Mapping[str, Any]) -> str:
        doing = Message(gettext_noop("give the role “%(role)s”"), {"role": MEMBER_ROLE})
        with translated(doing=doing, service=KEYSTONE):
            role = identity.find_role(MEMBER_ROLE, ignore_missing=False)
            project_role_assign(
                conn=conn, project_id=done[PROJECT_STEP], user_id=done["user"], role_id=role.id
            )
        return str(role.id)

    def quotas_do(done: Mapping[str, Any]) -> str:
        limits: dict[str, dict[str, int]] = {"compute": {}, "network": {}}
        for key, value in settings.TRIAL_QUOTAS.items():
            service, resource = key.split(":", 1)
            limits[service][resource] = value
        project_quotas_update(
            conn=conn, operation=operation, project_id=done[PROJECT_STEP], force=True, **limits
        )
        return str(done[PROJECT_STEP])

    def quotas_undo(project_id: str) -> None:
        doing = Message(gettext_noop("drop the trial quotas again"))
        with translated(doing=doing):
            conn.compute.revert_quota_set(project_id)
            conn.network.delete_quota(project_id)

    return [
        Step(PROJECT_STEP, project_do, project_undo),
        Step("user", user_do, user_do_undo),
        Step("role", role_do),
        Step("quotas", quotas_do, quotas_undo),
        *starter_steps(conn=conn, operation=operation),
    ]


@operation_service
def application_set_up(
    *, conn: Connection, operation: Operation, application_id: str, username: str, ends_at: str
) -> None:
    """Make the applicant's trial: project, user with the member role, quotas and the starter
    resources, as one composite operation (continued on a retry, undone when a step fails for
    good); then mark the application approved, record the trial and mail the set-password link.
    Raises CloudError (the application is then marked failed unless the operation is retried)."""
    application = Application.objects.get(pk=application_id)
    tags = [TRIAL_TAG, f"{TRIAL_ENDS_TAG}{ends_at}"] if ends_at else [TRIAL_TAG]
    steps = _set_up_steps(
        conn=conn, operation=operation, application=application, username=username, tags=tags
    )
    try:
        done = composite_run(operation=operation, steps=steps)
    except CloudError as exc:
        if not will_retry(exc, operation):
            _fail(application_id, exc.message)
        raise
    project_id, user_id = done[PROJECT_STEP], done["user"]
    Application.objects.filter(pk=application_id).update(
        status=Status.APPROVED, project_id=project_id, user_id=user_id
    )
    Trial.objects.update_or_create(
        project_id=project_id,
        defaults={
            "project_name": application.email,
            "owner_email": application.email,
            "owner_language": application.language,
            "application": application,
            "ends_at": (
                datetime.strptime(ends_at, TRIAL_ENDS_FORMAT).replace(tzinfo=UTC)
                if ends_at
                else None
            ),
        },
    )
    trial_changed(project_id=project_id)
    reconcile_projects(conn=service_connection(), ids=[project_id])
    url = link_issue(
        purpose=OneTimeLink.Purpose.SET_PASSWORD,
        application=application,
        user_id=user_id,
        lifetime=timedelta(days=settings.SIGNUP_PASSWORD_LINK_DAYS),
    )
    mail_try(
        to=application.email,
        language=application.language,
        template="mail/application_approved",
        context={
            "application": application,
            "username": username,
            "url": url,
            "days": settings.SIGNUP_PASSWORD_LINK_DAYS,
        },
    )


# ---- choosing the password ---------------------------------------------------------------------


def _password_key(application_id: str) -> str:
    return f"application:{application_id}"


def password_set_start(
    *, actor: Actor, application: Application, user_id: str, password: str
) -> Operation:
    """Start the operation, acted by the try-out account, that sets the new user's password
    (kept encrypted in Redis meanwhile), recorded in the trial's project. Raises
    OperationRefused while another runs for the user."""
    password_keep(key=_password_key(str(application.pk)), password=password)
    return operation_start(
        actor=actor,
        request=OperationRequest(
            service=user_password_set,
            description=Message(
                gettext_noop("Set the password of user “%(name)s”"), {"name": application.username}
            ),
            target_type="user",
            target_id=user_id,
            target_name=application.username,
            params={"application_id": str(application.pk), "user_id": user_id},
        ),
        project_id=application.project_id,
    )


@operation_service
def user_password_set(
    *, conn: Connection, operation: Operation, application_id: str, user_id: str
) -> None:
    """Set the user's password to the one kept for the application, forget it, and wait until
    Keystone accepts sign-ins with it. Raises CloudError."""
    key = _password_key(application_id)
    password = password_take(key=key)
    name = {"name": operation.target_label}
    if password is None:
        raise CloudPermanentError(
            Message(
                gettext_noop(
                    "Could not set the password of “%(name)s”: it was not kept long enough. "
                    "Ask an administrator for a new link."
                ),
                name,
            )
        )
    doing = Message(gettext_noop("set the password of user “%(name)s”"), name)
    with translated(doing=doing, service=KEYSTONE):
        identity_proxy(conn).update_user(user_id, password=password)
    password_forget(key=key)
    time.sleep(PASSWORD_SETTLES_SECONDS)
