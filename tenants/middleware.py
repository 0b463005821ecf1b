"""Applies the signed-in user's language and time zone; exposes the Keystone session to views,
and ends it, saying why, when its token expired or Keystone no longer accepts it (revoked, user
disabled, no role left on the project); a browser whose session already ended is told so too."""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone, translation
from django_htmx.http import HttpResponseClientRedirect

from dashboard.sessions import SessionRequest
from tenants.models import User
from tenants.revalidation import SignOut, session_revalidate
from tenants.session import KeystoneSession

log = structlog.get_logger(__name__)

API_PREFIX = "/api/"


class UserSettingsMiddleware:
    """Applies the signed-in user's own language and time zone (their settings) to the request.

    Comes after AuthenticationMiddleware and LocaleMiddleware: a user who chose a language
    overrides the browser's (Accept-Language, or the sign-in page's choice in the language
    cookie), which LocaleMiddleware activated; "from the browser" leaves that one. Before
    sign-in, LocaleMiddleware alone decides, and times are in UTC.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User):
            return self.get_response(request)
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            timezone.activate(ZoneInfo(user.time_zone))
        except (ZoneInfoNotFoundError, ValueError):
            # A zone the system no longer knows (tzdata changed): times stay in UTC.
            log.warning("settings.unknown_time_zone", time_zone=user.time_zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class KeystoneSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: SessionRequest) -> HttpResponse:
        request.keystone = None
        if request.user.is_authenticated:
            keystone = KeystoneSession.load(request.session)
            if keystone is None:
                return self.sign_out(request, SignOut.EXPIRED, project_name="")
            outcome = session_revalidate(keystone=keystone)
            if outcome.sign_out is not None:
                return self.sign_out(request, outcome.sign_out, project_name=keystone.project_name)
            if outcome.roles is not None and outcome.roles != keystone.roles:
                # A role was added or removed: pages and the API offer what the new roles allow.
                log.info("session.roles_changed", before=keystone.roles, after=outcome.roles)
                keystone.roles = outcome.roles
                keystone.save(request.session)
            request.keystone = keystone
        elif self.session_lapsed(request):
            messages.warning(request, SignOut.LAPSED.message(project_name=""))
        response = self.get_response(request)
        if request.htmx and self.sends_to_sign_in(response):
            # htmx would follow the redirect and swap the sign-in page into a fragment.
            return HttpResponseClientRedirect(response["Location"])
        return response

    def sends_to_sign_in(self, response: HttpResponse) -> bool:
        """A redirect to the sign-in page (login_required's, for a signed-out browser)."""
        return response.status_code == 302 and response["Location"].startswith(
            resolve_url(settings.LOGIN_URL)
        )

    def session_lapsed(self, request: HttpRequest) -> bool:
        """The browser presents a session the server no longer has (it expired): the sign-in page
        it is about to be sent to should say so. Only pages are told; SessionMiddleware drops the
        stale cookie in this response, so it is told once."""
        return (
            request.method == "GET"
            and not request.path.startswith(API_PREFIX)
            and bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
            and request.session.is_empty()
        )

    def sign_out(
        self, request: SessionRequest, reason: SignOut, *, project_name: str
    ) -> HttpResponse:
        """Sign out, and send the browser to the sign-in page, which says why; the API gets the
        reason with a 401."""
        log.info("session.signed_out", reason=str(reason))
        logout(request)
        message = reason.message(project_name=project_name)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": message, "code": "signed_out"}, status=401)
        messages.warning(request, message)
        response = redirect_to_login(request.get_full_path())
        if request.htmx:
            return HttpResponseClientRedirect(response["Location"])
        return response
