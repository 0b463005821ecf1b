"""The signed-in user's settings page: language, time zone, page size and theme."""

from copy import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from tenants.forms.user_settings import UserSettingsForm
from tenants.models import User
from tenants.services.user_settings import user_settings_update


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Set (or, for "from the browser", clear) the language cookie, which the sign-in page of
    this browser follows (as Django's `set_language` view sets it)."""
    # django-stubs types the setting `str`, set_cookie a Literal; Django's view passes it as is.
    samesite: Any = settings.LANGUAGE_COOKIE_SAMESITE
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=samesite,
        )
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=samesite,
    )
    return response


class UserSettingsView(LoginRequiredMixin, View):
    """GET shows the user's settings; POST keeps valid ones and reloads the page in them (a
    new language or theme changes the whole page), or answers 400 with the form's errors."""

    template_name = "tenants/user_settings.html"

    @property
    def user(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # LoginRequiredMixin
        return user

    def render_form(self, form: UserSettingsForm, status: int = 200) -> HttpResponse:
        context: dict[str, Any] = {"form": form, "title": _("Settings")}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(UserSettingsForm(instance=self.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        # A copy: an invalid form leaves the user (whose theme this very page shows) as it was.
        form = UserSettingsForm(request.POST, instance=copy(self.user))
        if not form.is_valid():
            return self.render_form(form, status=400)
        user = user_settings_update(user=self.user, **form.cleaned_data)
        if user.language:
            # The confirmation is read on the next page, in the language just chosen.
            translation.activate(user.language)
        messages.success(request, _("Your settings are saved."))
        url = reverse("tenants:settings")
        response = HttpResponseClientRedirect(url) if request.htmx else redirect(url)  # type: ignore[attr-defined]
        return remember_language(response, user.language)
