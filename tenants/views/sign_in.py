"""Sign-in, sign-out and switching the session's project."""

from typing import Any

import structlog
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dashboard.cloud import identity
from dashboard.cloud.errors import CloudError
from tenants.forms.sign_in import LoginForm, locked_out_message
from tenants.models import User
from tenants.revalidation import token_confirmed
from tenants.session import KeystoneSession, request_keystone
from tenants.views.user_settings import remember_language

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
        response = redirect(_next_url(request))
        if form.login.user.language:
            # The sign-in page of this browser follows the user's language from now on.
            remember_language(response, form.login.user.language)
        return response
    return render(request, "tenants/login.html", {"form": form, "next": _next_url(request)})


def login_locked_out(
    request: HttpRequest, credentials: dict[str, Any], *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes answers with this while the (user, address) pair is locked out."""
    context = {
        "form": LoginForm(request, initial={"username": credentials.get("username", "")}),
        "lockout_message": locked_out_message(),
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
        not_revoked = _(
            # Translators: %(failure)s is the cloud's error message, already a sentence.
            "You are signed out of the dashboard, but your token could not be revoked: "
            "%(failure)s It stops working when it expires."
        )
        messages.warning(request, not_revoked % {"failure": failure})
    else:
        messages.success(request, _("You are signed out, and your Keystone token is revoked."))
    return redirect("tenants:login")


@login_required
@require_POST
def switch_project(request: HttpRequest, project_id: str) -> HttpResponse:
    keystone = request_keystone(request)
    if not keystone.has_project(project_id):
        messages.error(request, _("You have no role on that project. Choose one from the list."))
        return redirect(_next_url(request))
    try:
        scoped = identity.scoped_token(token=keystone.unscoped_token, project_id=project_id)
    except CloudError as exc:
        messages.error(request, str(exc))
        return redirect(_next_url(request))
    _revoke([keystone.token])
    keystone.with_project(scoped).save(request.session)
    token_confirmed(token=scoped.token)
    user = request.user
    assert isinstance(user, User)  # login_required
    user.last_project_id = project_id
    user.save(update_fields=["last_project_id"])
    messages.success(
        request,
        _("You are now working in project “%(name)s”.") % {"name": keystone.project_name},
    )
    return redirect(_next_url(request))
