"""The sign-in form: Keystone user name, password and domain."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dashboard.cloud.errors import CloudError
from tenants.auth import Login, LoginFailure

FAILURE_MESSAGES = {
    # One message for a wrong password, an unknown user and an unknown domain: it must not tell
    # which (no enumeration of accounts).
    LoginFailure.BAD_CREDENTIALS: _(
        "The user name, password or domain is not right. Check all three (most users are in "
        "domain “%(default)s”) and try again; after %(limit)s failed attempts, sign-in for this "
        "user from your address pauses for %(minutes)s minutes."
    ),
    LoginFailure.NO_PROJECTS: _(
        "Your password is right, but you have no role on any project, so there is nothing to "
        "show. Ask your cloud administrator to add you to a project."
    ),
}
LOCKED_OUT_MESSAGE = _(
    "Too many failed sign-in attempts for this user from your address. Sign-in is paused for "
    "%(minutes)s minutes to protect the account; try again later or ask your administrator."
)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out_message() -> str:
    return LOCKED_OUT_MESSAGE % {"minutes": lockout_minutes()}


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    domain = forms.CharField(
        label=_("Domain"), max_length=255, initial=settings.OPENSTACK_DEFAULT_DOMAIN
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.login: Login | None = None
        self.fields["username"].widget.attrs.update(autofocus=True, autocomplete="username")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        domain = cleaned["domain"].strip()
        try:
            user = authenticate(
                self.request,
                username=cleaned["username"].strip(),
                password=cleaned["password"],
                domain=domain,
            )
        except CloudError as exc:
            raise forms.ValidationError(str(exc), code="keystone_unavailable") from exc
        if user is None:
            raise forms.ValidationError(self._failure_message(), code="login_refused")
        self.login = self.request.keystone_login  # type: ignore[attr-defined]
        return cleaned

    def _failure_message(self) -> str:
        if getattr(self.request, "axes_locked_out", False):
            return locked_out_message()
        failure = getattr(self.request, "keystone_login", LoginFailure.BAD_CREDENTIALS)
        return FAILURE_MESSAGES[failure] % {
            "default": settings.OPENSTACK_DEFAULT_DOMAIN,
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": lockout_minutes(),
        }
