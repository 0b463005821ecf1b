"""Ends a session when its Keystone token expires, and exposes the Keystone session to views."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

from tenants.session import KeystoneSession

SESSION_ENDED = "Your session has ended because its Keystone token expired. Please sign in again."


class KeystoneSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.keystone = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            keystone = KeystoneSession.load(request.session)
            if keystone is None or keystone.has_ended():
                logout(request)
                messages.warning(request, SESSION_ENDED)
                response = redirect_to_login(request.get_full_path())
                if request.htmx:  # type: ignore[attr-defined]
                    return HttpResponseClientRedirect(response["Location"])
                return response
            request.keystone = keystone  # type: ignore[attr-defined]
        return self.get_response(request)
