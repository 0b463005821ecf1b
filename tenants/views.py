"""Sign-in, sign-out, project switching, the overview with the project's quota usage, the API
access page, and the administrators' quota pages."""

from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dashboard.cloud import identity
from dashboard.cloud.errors import CloudError
from dashboard.mirror.sweep import sync_freshness
from dashboard.web.generic import ObjectListView, OperationFormView, session_project_id
from dashboard.web.views import AdminRequiredMixin
from tenants import api_access as access_files
from tenants.changes import update_compute_default_quotas, update_project_quotas
from tenants.filtersets import ProjectQuotaFilterSet
from tenants.forms import (
    LOCKED_OUT_MESSAGE,
    ComputeDefaultQuotasForm,
    LoginForm,
    ProjectQuotasForm,
    lockout_minutes,
)
from tenants.models import Project
from tenants.revalidation import token_confirmed
from tenants.selectors import all_projects_quota_list, project_get, project_overview
from tenants.session import KeystoneSession
from tenants.tables import ProjectQuotaTable
from tenants.tasks import quota_refresh_soon

log = structlog.get_logger(__name__)


def _next_url(request: HttpRequest, default: str = "tenants:overview") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and form.login is not None:
        auth_login(request, form.login.user, backend="tenants.auth.KeystoneBackend")
        keystone = form.login.keystone
        keystone.save(request.session)
        token_confirmed(token=keystone.token)
        form.login.user.last_project_id = keystone.project_id
        form.login.user.save(update_fields=["last_project_id"])
        log.info("login.succeeded", user=keystone.user_name, project=keystone.project_name)
        return redirect(_next_url(request))
    return render(request, "tenants/login.html", {"form": form, "next": _next_url(request)})


def login_locked_out(
    request: HttpRequest, credentials: dict[str, Any], *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes answers with this while the (user, address) pair is locked out."""
    context = {
        "form": LoginForm(request, initial={"username": credentials.get("username", "")}),
        "lockout_message": LOCKED_OUT_MESSAGE.format(minutes=lockout_minutes()),
    }
    return render(request, "tenants/login.html", context, status=429)


def _revoke(tokens: list[str]) -> str | None:
    """Revoke each token; the first failure's message, if any."""
    failure = None
    for token in tokens:
        try:
            identity.revoke_token(token=token)
        except CloudError as exc:
            failure = failure or str(exc)
    return failure


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    keystone: KeystoneSession | None = getattr(request, "keystone", None)
    failure = _revoke([keystone.token, keystone.unscoped_token]) if keystone else None
    auth_logout(request)
    if failure:
        messages.warning(
            request,
            f"You are signed out of the dashboard, but your token could not be revoked: {failure} "
            "It stops working when it expires.",
        )
    else:
        messages.success(request, "You are signed out, and your Keystone token is revoked.")
    return redirect("tenants:login")


@login_required
@require_POST
def switch_project(request: HttpRequest, project_id: str) -> HttpResponse:
    keystone: KeystoneSession = request.keystone  # type: ignore[attr-defined]
    if not keystone.has_project(project_id):
        messages.error(request, "You have no role on that project. Choose one from the list.")
        return redirect(_next_url(request))
    try:
        scoped = identity.scoped_token(token=keystone.unscoped_token, project_id=project_id)
    except CloudError as exc:
        messages.error(request, str(exc))
        return redirect(_next_url(request))
    _revoke([keystone.token])
    keystone.with_project(scoped).save(request.session)
    token_confirmed(token=scoped.token)
    request.user.last_project_id = project_id  # type: ignore[union-attr]
    request.user.save(update_fields=["last_project_id"])  # type: ignore[union-attr]
    messages.success(request, f"You are now working in project “{keystone.project_name}”.")
    return redirect(_next_url(request))


# The quotas sweep's group and beat interval, for the freshness note.
QUOTA_FRESHNESS = ("quotas", timedelta(minutes=5))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "tenants/overview.html")


@login_required
def overview_usage(request: HttpRequest) -> HttpResponse:
    """The overview's usage panel, from the mirror; while it is watched (it reloads itself),
    the project's quotas are re-read from the cloud in the background."""
    project_id = session_project_id(request)
    quota_refresh_soon(project_id=project_id)
    group, interval = QUOTA_FRESHNESS
    context = {
        "overview": project_overview(project_id=project_id),
        "freshness": sync_freshness(group=group, interval=interval),
    }
    return render(request, "tenants/overview.html#usage", context)


@login_required
def api_access(request: HttpRequest) -> HttpResponse:
    keystone: KeystoneSession = request.keystone  # type: ignore[attr-defined]
    endpoints = sorted(keystone.endpoints(), key=lambda e: (e.service_type, e.interface))
    return render(
        request,
        "tenants/api_access.html",
        {"endpoints": endpoints, "auth_url": settings.OPENSTACK_AUTH_URL},
    )


def _download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@login_required
def clouds_yaml(request: HttpRequest) -> HttpResponse:
    keystone: KeystoneSession = request.keystone  # type: ignore[attr-defined]
    return _download(access_files.clouds_yaml(keystone), "clouds.yaml", "application/yaml")


@login_required
def openrc(request: HttpRequest) -> HttpResponse:
    keystone: KeystoneSession = request.keystone  # type: ignore[attr-defined]
    filename = f"{access_files.cloud_name(keystone)}-openrc.sh"
    return _download(access_files.openrc(keystone), filename, "text/x-shellscript")


# ---- quotas (administrators) -------------------------------------------------------------------


class AdminQuotaListView(AdminRequiredMixin, ObjectListView):
    """Every project's usage of the main resources against its limits; not scoped to the
    session's project, so for administrators only."""

    filterset_class = ProjectQuotaFilterSet
    table_class = ProjectQuotaTable
    template_name = "tenants/admin_quota_list.html"
    title = "Quotas"
    freshness = QUOTA_FRESHNESS
    changed_event = "tenants:changed"

    def get_queryset(self) -> Any:
        return all_projects_quota_list()

    def get_template_names(self) -> list[str]:
        # The table partial is the generic list's; this template only adds an introduction.
        if self.request.htmx:  # type: ignore[attr-defined]
            return ["web/object_list.html#table"]
        return [self.template_name]

    def get_table_kwargs(self) -> dict[str, Any]:
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            unified_limits=settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS, **kwargs
        )


class AdminProjectQuotasView(AdminRequiredMixin, OperationFormView):
    """One project's compute and network limits, set as one operation."""

    form_class = ProjectQuotasForm
    template_name = "tenants/admin_quota_form.html"
    title = "Quotas of project “{obj.name_or_id}”"
    submit_label = "Set quotas"
    success_url_name = "tenants:admin_quotas"

    def get_object(self) -> Project:
        project = project_get(project_id=self.kwargs["project_id"])
        if project is None:
            raise Http404("No project with this id is known; it may not be synced yet.")
        return project

    def change(self, data: dict[str, Any], obj: Project) -> dict[str, Any]:
        return update_project_quotas(obj, data)


class AdminQuotaDefaultsView(AdminRequiredMixin, OperationFormView):
    """The default compute limits (editable) and network limits (read-only)."""

    form_class = ComputeDefaultQuotasForm
    template_name = "tenants/admin_quota_defaults.html"
    title = "Default quotas"
    submit_label = "Set compute defaults"
    success_url_name = "tenants:admin_quotas"
    empties_after_start = False

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return update_compute_default_quotas(data)
