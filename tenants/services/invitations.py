"""Invitations into a project: a member invites a colleague by email; the colleague accepts
through the mailed single-use link and joins the project with the role chosen.

Creating and revoking an invitation change only the dashboard's tables (and send a mail).
Accepting is one operation, `invitation_accept`, run with the try-out cloud's own account
(`dashboard.cloud.identity.trial_account_token`) and recorded in the invited project: it creates
the Keystone user (or takes the existing user who signed in and accepted) and assigns the role.
The new user's password never reaches the database, the task or the logs: the web process keeps
it encrypted in Redis under the invitation (`keystone_users.password_keep`), and the operation
takes it from there and forgets it when it ends.
"""

from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dashboard.cloud.connection import Connection
from dashboard.cloud.errors import CloudError, CloudNotFound, CloudPermanentError, translated
from dashboard.cloud.identity import KEYSTONE, identity_proxy
from dashboard.i18n import Message, gettext_noop
from dashboard.mail import mail_send
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest, operation_service
from dashboard.operations.services import operation_record_result, operation_start
from tenants.models import Invitation, OneTimeLink, User
from tenants.services.keystone_users import (
    password_forget,
    password_keep,
    password_take,
    project_role_assign,
    user_undo,
)
from tenants.services.links import link_issue
from tenants.services.trial_account import TrialActor

log = structlog.get_logger(__name__)


def invitation_create(
    *,
    project_id: str,
    project_name: str,
    email: str,
    role: str,
    language: str,
    invited_by_user_id: str,
    invited_by_name: str,
) -> Invitation:
    """Record the invitation and mail its single-use link now, in `language`. When the mail
    cannot be sent, nothing is kept and the backend's error (SMTPException, OSError) is raised."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            project_id=project_id,
            project_name=project_name,
            email=email,
            role=role,
            language=language,
            invited_by_user_id=invited_by_user_id,
            invited_by_name=invited_by_name,
        )
        url = link_issue(
            purpose=OneTimeLink.Purpose.INVITATION,
            invitation=invitation,
            lifetime=timedelta(days=settings.INVITATION_LIFETIME_DAYS),
        )
    try:
        mail_send(
            to=email,
            language=language,
            template="mail/invitation",
            context={
                "invitation": invitation,
                "url": url,
                "days": settings.INVITATION_LIFETIME_DAYS,
            },
        )
    except Exception:
        log.exception("invitation.mail_failed", invitation=str(invitation.id))
        invitation.delete()
        raise
    log.info("invitation.created", invitation=str(invitation.id), project=project_id)
    return invitation


def invitation_revoke(*, invitation: Invitation) -> bool:
    """Revoke a waiting invitation: its link stops working (the accept page says it was
    revoked). False when it was already accepted or revoked (nothing changes)."""
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return bool(revoked)


def invitation_accept_start(
    *,
    actor: TrialActor,
    invitation: Invitation,
    username: str = "",
    user_id: str = "",
    password: str = "",
) -> Operation:
    """Start the operation, acted by the try-out cloud's account (`trial_actor()`), that makes
    the invitee a member: a new user `username` with `password`, or the existing user `user_id`.
    Raises OperationRefused while another accept of the invitation runs."""
    if password:
        password_keep(key=_password_key(str(invitation.id)), password=password)
    return operation_start(
        actor=actor,
        request=OperationRequest(
            service=invitation_accept,
            description=Message(
                gettext_noop("Add %(email)s to project “%(project)s” as %(role)s (invitation)"),
                {
                    "email": invitation.email,
                    "project": invitation.project_name,
                    "role": invitation.role,
                },
            ),
            target_type="invitation",
            target_id=str(invitation.id),
            target_name=invitation.email,
            params={"invitation_id": str(invitation.id), "username": username, "user_id": user_id},
        ),
        project_id=invitation.project_id,
    )


def _password_key(invitation_id: str) -> str:
    return f"invitation:{invitation_id}"


def _marker(operation: Operation) -> str:
    """What the users an operation creates carry in their description, so a retry finds the one
    an earlier attempt made instead of making a twin."""
    return f"invitation operation {operation.id}"


def _user_create_once(
    *, conn: Connection, operation: Operation, invitation: Invitation, username: str, domain: str
) -> tuple[Any, bool]:
    """The user this operation makes (found again on a retry), and whether it is new."""
    identity = identity_proxy(conn)
    doing = Message(gettext_noop("create the user “%(name)s”"), {"name": username})
    with translated(doing=doing, service=KEYSTONE):
        if operation.result_id:
            found = identity.find_user(operation.result_id, ignore_missing=True)
            if found is not None:
                return found, False
        for user in identity.users(name=username, domain_id=domain):
            if getattr(user, "description", "") == _marker(operation):
                return user, False
            raise CloudPermanentError(
                Message(
                    gettext_noop(
                        "Could not create the user “%(name)s”: a user with this name was made "
                        "in the meantime. Open the invitation again and choose to sign in with "
                        "that account."
                    ),
                    {"name": username},
                )
            )
        password = password_take(key=_password_key(str(invitation.id)))
        if password is None:
            raise CloudPermanentError(
                Message(
                    gettext_noop(
                        "Could not create the user “%(name)s”: the password chosen was not kept "
                        "long enough. Ask for a new invitation and choose the password again."
                    ),
                    {"name": username},
                )
            )
        user = identity.create_user(
            name=username,
            password=password,
            email=invitation.email,
            domain_id=domain,
            description=_marker(operation),
            enabled=True,
        )
    operation_record_result(operation=operation, result_id=str(user.id))
    return user, True


@operation_service
def invitation_accept(
    *, conn: Connection, operation: Operation, invitation_id: str, username: str, user_id: str
) -> None:
    """Make the invitee a member of the invited project with the invited role: create the user
    `username` (email set; found, not twinned, on a retry) or take the existing `user_id`, then
    assign the role (Keystone's assignment is idempotent). When the assignment fails for good, a
    user this operation created is deleted again. On success the invitation is accepted and the
    inviter is mailed. Raises CloudError."""
    invitation = Invitation.objects.get(pk=invitation_id)
    identity = identity_proxy(conn)
    label = {"project": invitation.project_name, "role": invitation.role}
    if invitation.revoked_at is not None:  # revoked while the page was open
        raise CloudPermanentError(
            Message(
                gettext_noop(
                    "Could not add you to project “%(project)s”: the invitation was revoked. "
                    "Ask for a new one."
                ),
                label,
            )
        )
    reading = Message(gettext_noop("read the project “%(project)s”"), label)
    with translated(doing=reading, service=KEYSTONE):
        project = identity.get_project(invitation.project_id)
        role = identity.find_role(invitation.role, ignore_missing=True)
    if role is None:
        raise CloudPermanentError(
            Message(
                gettext_noop(
                    "Could not add the user to project “%(project)s”: Keystone has no role "
                    "“%(role)s” any more. Ask for a new invitation with another role."
                ),
                label,
            )
        )
    created = False
    if user_id:
        with translated(doing=Message(gettext_noop("find your user")), service=KEYSTONE):
            user = identity.get_user(user_id)
    else:
        user, created = _user_create_once(
            conn=conn,
            operation=operation,
            invitation=invitation,
            username=username,
            domain=str(project.domain_id),
        )
    doing = Message(gettext_noop("give the role “%(role)s” on project “%(project)s”"), label)
    try:
        with translated(doing=doing, service=KEYSTONE):
            project_role_assign(
                conn=conn, project_id=str(project.id), user_id=str(user.id), role_id=str(role.id)
            )
    except CloudError as exc:
        # For good: Keystone refused, or the operation's last attempt (no retry follows).
        final = isinstance(exc, CloudPermanentError) or (
            operation.attempts > settings.OPERATION_MAX_RETRIES
        )
        if final:
            if created or operation.result_id:
                user_undo(conn=conn, user=user)
            password_forget(key=_password_key(invitation_id))
        raise
    password_forget(key=_password_key(invitation_id))
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    _inviter_tell(conn=conn, invitation=invitation, member_name=str(user.name))


def _inviter_tell(*, conn: Connection, invitation: Invitation, member_name: str) -> None:
    """Mail the inviter that the invitation was accepted, in their own language; a mail that
    cannot be sent (or an inviter without an email) is logged, never a failed operation."""
    try:
        with translated(doing=Message(gettext_noop("look up the inviter")), service=KEYSTONE):
            inviter = identity_proxy(conn).find_user(
                invitation.invited_by_user_id, ignore_missing=True
            )
    except CloudNotFound:
        inviter = None
    except CloudError:
        log.exception("invitation.inviter_unknown", invitation=str(invitation.id))
        return
    address = str(getattr(inviter, "email", "") or "") if inviter is not None else ""
    if not address and "@" in invitation.invited_by_name:
        address = invitation.invited_by_name
    if not address:
        log.info("invitation.inviter_has_no_email", invitation=str(invitation.id))
        return
    language = (
        User.objects.filter(keystone_id=invitation.invited_by_user_id)
        .values_list("language", flat=True)
        .first()
    ) or settings.LANGUAGE_CODE
    try:
        mail_send(
            to=address,
            language=language,
            template="mail/invitation_accepted",
            context={"invitation": invitation, "member_name": member_name},
        )
    except Exception:
        log.exception("invitation.accepted_mail_failed", invitation=str(invitation.id))
