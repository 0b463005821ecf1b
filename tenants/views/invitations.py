"""The project's members page, inviting a colleague, revoking an invitation, and accepting one
through its mailed link (`tenants:link` hands the link to `invitation_accept`).

Accepting, when Keystone already has a user named after the invited email: the safer behaviour
is taken. The role is never given to that user on the strength of the link alone (a user name
is no proof that the mail's reader owns the account); the page asks them to sign in with it and
open the link again, and then gives the role to the user who signed in. Someone else may choose
another user name for a new account instead. Whoever holds the link (it was mailed to the
invited address) may also accept with the account they are signed in with, named on the button.
"""

from smtplib import SMTPException
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from dashboard.cloud.errors import CloudError
from dashboard.cloud.identity import trial_account_configured
from dashboard.operations.models import Operation
from dashboard.operations.services import OperationRefused
from dashboard.sessions import CloudSession, request_session
from tenants.forms.invitations import (
    InvitationAcceptForm,
    InvitationForm,
    may_invite,
    not_configured_message,
)
from tenants.models import Invitation, OneTimeLink
from tenants.selectors.invitations import (
    invitation_get,
    invitation_list,
    keystone_user_named,
    project_domain_id,
    project_member_list,
)
from tenants.services.invitations import (
    invitation_accept_start,
    invitation_create,
)
from tenants.services.invitations import invitation_revoke as revoke
from tenants.services.links import link_use
from tenants.services.trial_account import trial_actor

# The accepting operations this browser may watch (their ids), in its session.
WATCHED = "invitation_operations"


def invitation_state(invitation: Invitation, failed: set[str]) -> str:
    """pending, accepting (its link was used, the operation still runs), failed (that operation
    failed: invite again), accepted, revoked or expired. `failed`: the ids of invitations whose
    accepting operation failed."""
    if invitation.revoked_at:
        return "revoked"
    if invitation.accepted_at:
        return "accepted"
    if str(invitation.id) in failed:
        return "failed"
    links = list(invitation.links.all())
    if any(link.used_at for link in links):
        return "accepting"
    now = timezone.now()
    return "pending" if any(link.expires_at > now for link in links) else "expired"


class ProjectPageMixin(LoginRequiredMixin):
    request: HttpRequest

    @property
    def session(self) -> CloudSession:
        return request_session(self.request)

    def require_inviter(self) -> None:
        if not may_invite(self.session):
            raise PermissionDenied(
                _("Only members of the project may invite people; readers may not.")
            )


class MembersView(ProjectPageMixin, View):
    """Who has which role on the session's project (read from Keystone), and the project's
    invitations, with revoke for those still waiting."""

    def get(self, request: HttpRequest) -> HttpResponse:
        session = self.session
        error = ""
        try:
            members = project_member_list(project_id=session.project_id)
        except CloudError as exc:
            members, error = [], str(exc)
        listed = list(invitation_list(project_id=session.project_id))
        failed = set(
            Operation.objects.filter(
                project_id=session.project_id,
                target_type="invitation",
                target_id__in=[str(invitation.id) for invitation in listed],
                status=Operation.Status.FAILED,
            ).values_list("target_id", flat=True)
        )
        invitations = [(invitation, invitation_state(invitation, failed)) for invitation in listed]
        context = {
            "title": _("Members"),
            "members": members,
            "members_error": error,
            "invitations": invitations,
            "may_invite": may_invite(session),
        }
        return render(request, "tenants/members.html", context)


class InvitationCreateView(ProjectPageMixin, View):
    """The invite form: GET shows it; POST records the invitation and mails its link, or answers
    400 with the form's errors (nothing is kept when the mail cannot be sent)."""

    def render_form(self, form: InvitationForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "title": _("Invite a colleague"),
            "not_configured": "" if trial_account_configured() else not_configured_message(),
        }
        return render(self.request, "tenants/invitation_form.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        self.require_inviter()
        return self.render_form(InvitationForm(session=self.session))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require_inviter()
        session = self.session
        form = InvitationForm(request.POST, session=session)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        try:
            invitation_create(
                project_id=session.project_id,
                project_name=getattr(session, "project_name", "") or session.project_id,
                email=data["email"],
                role=data["role"],
                language=data["language"],
                invited_by_user_id=session.user_id,
                invited_by_name=session.user_name,
            )
        except (SMTPException, OSError) as exc:
            form.add_error(
                None,
                _(
                    "Could not send the invitation to %(email)s: the mail server refused it or "
                    "did not answer (%(reason)s). Nothing was saved; try again later."
                )
                % {"email": data["email"], "reason": exc.__class__.__name__},
            )
            return self.render_form(form, status=400)
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link in it works for %(days)s days.")
            % {"email": data["email"], "days": settings.INVITATION_LIFETIME_DAYS},
        )
        return redirect(reverse("tenants:members"))


class InvitationRevokeView(ProjectPageMixin, View):
    """Revoke one of the session's project's invitations (a POST); 404 for another project's."""

    def post(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        self.require_inviter()
        invitation = invitation_get(project_id=self.session.project_id, pk=pk)
        if invitation is None:
            raise Http404(_("This project has no such invitation."))
        if revoke(invitation=invitation):
            messages.success(
                request,
                _("The invitation of %(email)s is revoked; its link no longer works.")
                % {"email": invitation.email},
            )
        else:
            messages.error(
                request,
                _("The invitation of %(email)s was already accepted or revoked.")
                % {"email": invitation.email},
            )
        return redirect(reverse("tenants:members"))


def _signed_in_session(request: HttpRequest) -> CloudSession | None:
    keystone = getattr(request, "keystone", None)
    return keystone if keystone is not None and request.user.is_authenticated else None


def invitation_accept(request: HttpRequest, link: OneTimeLink) -> HttpResponse:
    """GET shows the project, the inviter, the role, and either the new account's form or, for
    a signed-in user, accepting as that user; POST starts the one accepting operation, uses the
    link, and shows the operation's live status, then a sign-in link."""
    invitation = link.invitation
    assert invitation is not None, "an invitation link names its invitation"
    if invitation.revoked_at:
        return _link_invalid(request, _("This invitation was revoked. Ask for a new one."))
    session = _signed_in_session(request)

    def taken(name: str) -> bool:
        domain_id = project_domain_id(project_id=invitation.project_id)
        return keystone_user_named(name=name, domain_id=domain_id) is not None

    error = ""
    try:
        existing = keystone_user_named(
            name=invitation.email, domain_id=project_domain_id(project_id=invitation.project_id)
        )
    except CloudError as exc:
        existing, error = None, str(exc)
    form: InvitationAcceptForm | None = None
    if request.method == "POST":
        if session is not None and request.POST.get("as") == "signed_in":
            accepted = _start(request, link, invitation, user_id=session.user_id)
        else:
            form = InvitationAcceptForm(request.POST, taken=taken, email=invitation.email)
            if not form.is_valid():
                return _accept_page(
                    request, invitation, form, session, existing=existing, status=400
                )
            data = form.cleaned_data
            accepted = _start(
                request, link, invitation, username=data["username"], password=data["password1"]
            )
        if isinstance(accepted, Operation):
            context = {"invitation": invitation, "operation": accepted}
            return render(request, "tenants/invitation_accepted.html", context)
        if accepted is None:
            return _link_invalid(
                request,
                _(
                    "This link was already used; each link works once. Sign in, or ask for a "
                    "new one."
                ),
            )
        error = accepted
    if form is None:
        initial = {"username": "" if existing is not None else invitation.email}
        form = InvitationAcceptForm(initial=initial, taken=taken, email=invitation.email)
    return _accept_page(
        request,
        invitation,
        form,
        session,
        existing=existing,
        error=error,
        status=400 if error else 200,
    )


def _start(
    request: HttpRequest,
    link: OneTimeLink,
    invitation: Invitation,
    *,
    username: str = "",
    user_id: str = "",
    password: str = "",
) -> Operation | str | None:
    """The accepting operation, started as the link is used; None when another request used the
    link first; the reason when it cannot start (nothing used)."""
    if not trial_account_configured():
        return not_configured_message()
    try:
        # The account's token first: no transaction is held open across a cloud call.
        actor = trial_actor()
        with transaction.atomic():
            if not link_use(link=link):
                return None
            operation = invitation_accept_start(
                actor=actor,
                invitation=invitation,
                username=username,
                user_id=user_id,
                password=password,
            )
    except (CloudError, OperationRefused) as exc:
        return str(exc)
    watched = request.session.get(WATCHED, [])
    request.session[WATCHED] = [*watched[-9:], str(operation.id)]
    return operation


def _accept_page(
    request: HttpRequest,
    invitation: Invitation,
    form: InvitationAcceptForm,
    session: CloudSession | None,
    *,
    existing: Any = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "invitation": invitation,
        "form": form,
        "signed_in": session,
        "existing": existing,
        "error": error,
        "login_url": f"{reverse('tenants:login')}?next={request.path}",
    }
    return render(request, "tenants/invitation_accept.html", context, status=status)


def _link_invalid(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "tenants/link_invalid.html", {"reason": reason}, status=400)


def invitation_status(request: HttpRequest, operation_id: UUID) -> HttpResponse:
    """The live status of an accepting operation this browser started (its session says so);
    404 for any other."""
    if str(operation_id) not in request.session.get(WATCHED, []):
        raise Http404(_("No such invitation is being accepted in this browser."))
    operation = Operation.objects.filter(pk=operation_id, target_type="invitation").first()
    if operation is None:
        raise Http404(_("No such invitation is being accepted in this browser."))
    return render(request, "tenants/invitation_status.html", {"operation": operation})
