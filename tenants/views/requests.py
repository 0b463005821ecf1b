"""Tenants' requests for more quota and a longer trial, and the administrators' queue of them.

The tenant's pages act on the session's project only; the queue and its decisions are for holders
of Keystone's admin role (403 for everyone else). An approval starts an operation with the
admin's own token, recorded in the tenant's project; its status box shows on the request's page.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from dashboard.cloud.identity import user_email
from dashboard.operations.services import OperationRefused
from dashboard.web.views import AdminRequiredMixin
from tenants.forms.requests import (
    DecisionForm,
    ExtensionRequestForm,
    QuotaRequestForm,
    RequestForm,
    prefilled_value,
)
from tenants.models import ExtensionRequest, QuotaRequest, Request
from tenants.selectors.requests import (
    admin_request_list,
    extension_request_get,
    open_extension_request,
    open_quota_request,
    project_request_list,
    quota_limits,
    quota_request_get,
    quota_step,
    request_operation,
    trial_get,
)
from tenants.services import requests as services
from tenants.session import KeystoneSession, request_keystone


def _asker(keystone: KeystoneSession) -> services.Asker:
    return services.Asker(
        user_id=keystone.user_id,
        user_name=keystone.user_name,
        project_id=keystone.project_id,
        project_name=keystone.project_name,
    )


def _answer_email(keystone: KeystoneSession) -> str:
    """Where the answer goes by default: the user's email in Keystone, else the trial's."""
    email = user_email(user_id=keystone.user_id)
    if not email and (trial := trial_get(project_id=keystone.project_id)) is not None:
        email = trial.owner_email
    return email


def _asked(request: HttpRequest, asked: services.Asked) -> HttpResponse:
    """After a request was recorded: say what happens next, then show the requests page."""
    if asked.operation is not None:
        messages.success(
            request,
            _("Your request was approved automatically; the new limits are being applied."),
        )
    else:
        messages.success(
            request,
            _("Your request was sent; you get an email when an administrator has decided."),
        )
    if not asked.admins_mailed:
        messages.warning(
            request,
            _(
                "The administrators could not be emailed (the mail server failed); they still "
                "see your request in their queue."
            ),
        )
    return redirect("tenants:requests")


class TenantRequestView(LoginRequiredMixin, View):
    """A tenant's request form for the session's project."""

    request: HttpRequest
    template_name = ""

    @property
    def keystone(self) -> KeystoneSession:
        return request_keystone(self.request)

    def render_page(self, form: RequestForm | None, **context: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **context})


class QuotaRequestView(TenantRequestView):
    """Ask for more quota: `?resource=compute_cores` (from a create form's refusal) prefills
    that quota's field."""

    template_name = "tenants/quota_request_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        keystone = self.keystone
        form = QuotaRequestForm(
            project_id=keystone.project_id, initial={"email": _answer_email(keystone)}
        )
        prefill = request.GET.get("resource", "")
        step = quota_step(limits=quota_limits(project_id=keystone.project_id))
        for usage in form.usage:
            if usage.resource.key == prefill:
                form.initial[prefill] = prefilled_value(usage, step.next_limits)
        return self.render_page(
            form, open_request=open_quota_request(project_id=keystone.project_id), prefill=prefill
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        keystone = self.keystone
        form = QuotaRequestForm(request.POST, project_id=keystone.project_id)
        if not form.is_valid():
            return self.render_page(form)
        try:
            asked = services.quota_request_create(
                asker=_asker(keystone),
                values=form.values(),
                current=form.current(),
                reason=form.cleaned_data["reason"],
                email=form.cleaned_data["email"],
                language=translation.get_language() or "",
            )
        except OperationRefused as exc:
            form.add_error(None, str(exc))
            return self.render_page(form)
        return _asked(request, asked)


class ExtensionRequestView(TenantRequestView):
    """Ask for a longer trial: only for a trial project with an end."""

    template_name = "tenants/extension_request_form.html"

    def page(self, form: ExtensionRequestForm) -> HttpResponse:
        trial = trial_get(project_id=self.keystone.project_id)
        if trial is None or trial.ends_at is None:
            return self.render_page(None, not_a_trial=True)
        return self.render_page(
            form,
            trial=trial,
            open_request=open_extension_request(project_id=self.keystone.project_id),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        keystone = self.keystone
        form = ExtensionRequestForm(
            project_id=keystone.project_id, initial={"email": _answer_email(keystone)}
        )
        return self.page(form)

    def post(self, request: HttpRequest) -> HttpResponse:
        keystone = self.keystone
        form = ExtensionRequestForm(request.POST, project_id=keystone.project_id)
        trial = trial_get(project_id=keystone.project_id)
        if trial is None or trial.ends_at is None or not form.is_valid():
            return self.page(form)
        try:
            asked = services.extension_request_create(
                asker=_asker(keystone),
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                email=form.cleaned_data["email"],
                language=translation.get_language() or "",
            )
        except OperationRefused as exc:
            form.add_error(None, str(exc))
            return self.page(form)
        return _asked(request, asked)


class RequestListView(LoginRequiredMixin, View):
    """The session's project's requests of both kinds and their decisions."""

    def get(self, request: HttpRequest) -> HttpResponse:
        keystone = request_keystone(request)
        rows = project_request_list(project_id=keystone.project_id)
        services.requests_settle(rows)
        trial = trial_get(project_id=keystone.project_id)
        context = {
            "rows": _with_operations(rows),
            "may_extend": trial is not None and trial.ends_at is not None,
        }
        return render(request, "tenants/request_list.html", context)


def _with_operations(rows: list[Request]) -> list[dict[str, Any]]:
    return [
        {
            "request": row,
            "kind": "quota" if isinstance(row, QuotaRequest) else "extension",
            "values": services.quota_values_shown(row) if isinstance(row, QuotaRequest) else [],
            "operation": request_operation(request=row),
        }
        for row in rows
    ]


class AdminRequestListView(AdminRequiredMixin, View):
    """Every project's requests (administrators): waiting first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = admin_request_list()
        services.requests_settle(rows)
        return render(request, "tenants/admin_request_list.html", {"rows": _with_operations(rows)})


class AdminRequestView(AdminRequiredMixin, View):
    """One request (administrators): what was asked and why, approve or reject; once approved,
    the status box of the operation that applies it."""

    kind = ""

    def get_request(self, pk: UUID) -> Request:
        row: Request | None = (
            quota_request_get(pk=pk) if self.kind == "quota" else extension_request_get(pk=pk)
        )
        if row is None:
            raise Http404(_("No request with this id exists."))
        services.requests_settle([row])
        return row

    def render_page(self, row: Request, form: DecisionForm) -> HttpResponse:
        context = {
            "r": _with_operations([row])[0],
            "object": row,
            "form": form,
            "trial": trial_get(project_id=row.project_id),
            "waiting": row.status == Request.Status.PENDING,
        }
        return render(self.request, "tenants/admin_request_detail.html", context)

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        return self.render_page(self.get_request(pk), DecisionForm())

    def post(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        row = self.get_request(pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_page(row, form)
        keystone = request_keystone(request)
        try:
            if form.cleaned_data["decision"] == "reject":
                mailed = services.request_reject(
                    request=row, decided_by=keystone.user_name, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Rejected; the tenant is told why."))
                if not mailed:
                    messages.warning(
                        request,
                        _(
                            "The tenant could not be emailed (the mail server failed); they see "
                            "the decision on their Requests page."
                        ),
                    )
            elif isinstance(row, QuotaRequest):
                services.quota_request_approve(
                    request=row, actor=keystone, decided_by=keystone.user_name
                )
            else:
                assert isinstance(row, ExtensionRequest)
                services.extension_request_approve(
                    request=row, actor=keystone, decided_by=keystone.user_name
                )
        except OperationRefused as exc:
            form.add_error(None, str(exc))
            return self.render_page(row, form)
        return redirect(reverse(f"tenants:admin_request_{self.kind}", kwargs={"pk": row.pk}))
