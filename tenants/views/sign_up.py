"""The public sign-up page, the mailed links' pages (verify the email, choose a password: through
`tenants:link`), and the administrators' queue of applications with the sign-up policy.

Sign-up is public and throttled per client address (429 with when to try again). The links'
pages only show a button on GET, so mail scanners that open links use nothing. The queue and the
policy are for holders of Keystone's admin role (403 for everyone else); an approval starts the
setting-up operation with the admin's own token.
"""

from smtplib import SMTPException
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from dashboard.cloud.errors import CloudError
from dashboard.cloud.identity import trial_account_configured
from dashboard.operations.services import OperationRefused
from dashboard.web.throttling import ClientActionThrottle, throttle_refusal
from dashboard.web.views import AdminRequiredMixin
from tenants.forms.passwords import NewPasswordForm
from tenants.forms.requests import DecisionForm
from tenants.forms.sign_up import SignUpForm, SignUpPolicyForm
from tenants.models import Application, OneTimeLink, SignUpPolicy
from tenants.selectors.sign_up import (
    application_get,
    application_list,
    application_operation,
    open_application,
)
from tenants.services import sign_up as services
from tenants.services.links import link_use
from tenants.services.trial_account import trial_actor
from tenants.session import request_keystone

Status = Application.Status


class SignUpThrottle(ClientActionThrottle):
    """Sign-up forms and resent verification links, per client address."""

    scope = "sign_up"
    doing = gettext_lazy("sent the sign-up form")


def _throttled(request: HttpRequest) -> HttpResponse | None:
    refusal = throttle_refusal(request, SignUpThrottle)
    if refusal is None:
        return None
    return refusal.with_retry_after(
        render(request, "tenants/sign_up_throttled.html", {"refusal": refusal.message}, status=429)
    )


def _check_your_mail(request: HttpRequest, email: str) -> HttpResponse:
    return render(request, "tenants/sign_up_sent.html", {"email": email})


class SignUpView(View):
    """GET shows the form; POST records the application and mails its verification link, or
    answers 400 with what to change (an open application: with a button to send it again)."""

    def render_form(self, form: SignUpForm, error: str = "", status: int = 200) -> HttpResponse:
        context = {"form": form, "error": error, "resend": form.open_application}
        return render(self.request, "tenants/sign_up.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(SignUpForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if (throttled := _throttled(request)) is not None:
            return throttled
        form = SignUpForm(request.POST)
        if form.is_bot():  # answered alike, nothing stored or sent
            return _check_your_mail(request, str(request.POST.get("email", "")))
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        try:
            services.application_create(
                name=data["name"],
                email=data["email"],
                organisation=data["organisation"],
                purpose=data["purpose"],
                language=data["language"],
                client_address=request.META.get("REMOTE_ADDR"),
            )
        except services.ApplicationRefused as exc:
            form.add_error(None, str(exc))
            return self.render_form(form, status=400)
        except (SMTPException, OSError) as exc:
            error = _(
                "Could not send the mail to %(email)s: the mail server refused it or did not "
                "answer (%(reason)s). Nothing was saved; try again later."
            ) % {"email": data["email"], "reason": exc.__class__.__name__}
            return self.render_form(form, error=error, status=400)
        return _check_your_mail(request, data["email"])


def sign_up_resend(request: HttpRequest) -> HttpResponse:
    """POST: mail the verification link of the email's unverified application again. The
    answer is the same whether or not there is one, so nobody learns who applied."""
    if request.method != "POST":
        return redirect("tenants:sign_up")
    if (throttled := _throttled(request)) is not None:
        return throttled
    email = str(request.POST.get("email", "")).strip().lower()
    application = open_application(email=email) if email else None
    if application is not None:
        try:
            services.application_verification_resend(application=application)
        except (SMTPException, OSError):
            form = SignUpForm(initial={"email": email})
            error = _("Could not send the mail: the mail server failed. Try again later.")
            return render(
                request, "tenants/sign_up.html", {"form": form, "error": error}, status=400
            )
    return _check_your_mail(request, email)


def _link_invalid(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "tenants/link_invalid.html", {"reason": reason}, status=400)


USED = gettext_lazy(
    "This link was already used; each link works once. Sign in, or ask for a new one."
)


def verify_email(request: HttpRequest, link: OneTimeLink) -> HttpResponse:
    """GET asks to confirm; POST uses the link and verifies the application: it waits for an
    administrator, or the policy sets it up now."""
    application = link.application
    assert application is not None, "a verification link names its application"
    if request.method != "POST":
        return render(request, "tenants/sign_up_verify.html", {"application": application})
    if not link_use(link=link):
        return _link_invalid(request, str(USED))
    operation = services.application_verify(application=application)
    context = {"application": application, "automatic": operation is not None}
    return render(request, "tenants/sign_up_verified.html", context)


def set_password(request: HttpRequest, link: OneTimeLink) -> HttpResponse:
    """GET shows the password form; POST starts the operation that sets it (the try-out
    account's), uses the link, and tells the applicant to sign in."""
    application = link.application
    assert application is not None, "a set-password link names its application"
    form = NewPasswordForm(
        request.POST if request.method == "POST" else None,
        email=application.email,
        username=application.username,
    )
    context: dict[str, Any] = {"application": application, "form": form}
    if request.method != "POST":
        return render(request, "tenants/sign_up_password.html", context)
    if not form.is_valid():
        return render(request, "tenants/sign_up_password.html", context, status=400)
    if not trial_account_configured():
        context["error"] = _(
            "Passwords cannot be set here yet: the dashboard's try-out account, which sets them, "
            "is not configured. Ask the cloud's operators to set it up, then open the link again."
        )
        return render(request, "tenants/sign_up_password.html", context, status=400)
    try:
        # The account's token first: no transaction is held open across a cloud call.
        actor = trial_actor()
        with transaction.atomic():
            if not link_use(link=link):
                return _link_invalid(request, str(USED))
            services.password_set_start(
                actor=actor,
                application=application,
                user_id=link.user_id,
                password=form.cleaned_data["password1"],
            )
    except (CloudError, OperationRefused) as exc:
        context["error"] = str(exc)
        return render(request, "tenants/sign_up_password.html", context, status=400)
    return render(request, "tenants/sign_up_password_set.html", context)


# ---- the administrators' queue -----------------------------------------------------------------


def _decide(
    request: HttpRequest, application: Application, decision: str, reason: str
) -> str | None:
    """Approve (with the admin's token) or reject one application; the refusal, or None."""
    keystone = request_keystone(request)
    try:
        if decision == "reject":
            mailed = services.application_reject(
                application=application, decided_by=keystone.user_name, reason=reason
            )
            if not mailed:
                messages.warning(
                    request,
                    _("%(email)s could not be emailed (the mail server failed).")
                    % {"email": application.email},
                )
        else:
            services.application_approve(
                application=application, actor=keystone, decided_by=keystone.user_name
            )
    except (services.ApplicationRefused, OperationRefused, CloudError) as exc:
        return f"{application.email}: {exc}"
    return None


class ApplicationListView(AdminRequiredMixin, View):
    """Verified applications, filtered by status and a search; POST decides the selected ones
    (`pk`) alike: approve, or reject with one reason."""

    def page(self, form: DecisionForm, status: int = 200) -> HttpResponse:
        wanted = self.request.GET.get("status", "")
        search = self.request.GET.get("q", "").strip()
        rows = list(application_list(status=wanted if wanted in Status else "", search=search))
        services.applications_settle(rows)
        context = {
            "rows": rows,
            "form": form,
            "statuses": [choice for choice in Status.choices if choice[0] != Status.UNVERIFIED],
            "status": wanted,
            "q": search,
        }
        return render(self.request, "tenants/admin_application_list.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(DecisionForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DecisionForm(request.POST)
        chosen = [application_get(pk=pk) for pk in request.POST.getlist("pk") if _is_uuid(pk)]
        selected = [application for application in chosen if application is not None]
        if not selected:
            form.add_error(None, _("Select at least one application first."))
        if not form.is_valid():
            return self.page(form, status=400)
        refusals = [
            refusal
            for application in selected
            if (
                refusal := _decide(
                    request, application, form.cleaned_data["decision"], form.cleaned_data["reason"]
                )
            )
        ]
        for refusal in refusals:
            messages.error(request, refusal)
        if done := len(selected) - len(refusals):
            messages.success(request, _("Decided: %(count)s.") % {"count": done})
        return redirect(reverse("tenants:admin_applications"))


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


class ApplicationView(AdminRequiredMixin, View):
    """One application: who and what for, approve or reject (also a failed one, again); the
    setting-up operation's status box."""

    def get_application(self, pk: UUID) -> Application:
        application = application_get(pk=pk)
        if application is None or application.status == Status.UNVERIFIED:
            raise Http404(_("No verified application with this id exists."))
        services.applications_settle([application])
        return application

    def page(self, application: Application, form: DecisionForm, status: int = 200) -> HttpResponse:
        context = {
            "object": application,
            "form": form,
            "operation": application_operation(application=application),
            "waiting": application.status in (Status.PENDING, Status.FAILED),
        }
        return render(self.request, "tenants/admin_application_detail.html", context, status=status)

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        return self.page(self.get_application(pk), DecisionForm())

    def post(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        application = self.get_application(pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.page(application, form, status=400)
        data = form.cleaned_data
        if (refusal := _decide(request, application, data["decision"], data["reason"])) is not None:
            form.add_error(None, refusal)
            return self.page(application, form, status=400)
        return redirect(reverse("tenants:admin_application", kwargs={"pk": application.pk}))


class SignUpPolicyView(AdminRequiredMixin, View):
    """The automatic approval rules (administrators)."""

    def page(self, form: SignUpPolicyForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "trial_account": trial_account_configured()}
        return render(self.request, "tenants/admin_sign_up_policy.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(SignUpPolicyForm(instance=SignUpPolicy.current()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SignUpPolicyForm(request.POST, instance=SignUpPolicy.current())
        if not form.is_valid():
            return self.page(form, status=400)
        services.sign_up_policy_update(
            domains=form.cleaned_data["auto_approve_domains"],
            daily_cap=form.cleaned_data["daily_cap"],
            updated_by=request_keystone(request).user_name,
        )
        messages.success(request, _("The sign-up policy is saved."))
        return redirect(reverse("tenants:admin_applications"))
