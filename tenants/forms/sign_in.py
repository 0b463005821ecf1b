"""The sign-in form: Keystone user name, password and domain."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest

from dashboard.cloud.errors import CloudError
from tenants.auth import Login, LoginFailure

FAILURE_MESSAGES = {
    LoginFailure.BAD_CREDENTIALS: (
        "The user name, password or domain is not right. Check all three (most users are in "
        "domain “{default}”) and try again; after {limit} failed attempts, sign-in for this user "
        "from your address pauses for {minutes} minutes."
    ),
    LoginFailure.NO_PROJECTS: (
        "Your password is right, but you have no role on any project, so there is nothing to "
        "show. Ask your cloud administrator to add you to a project."
    ),
}
LOCKED_OUT_MESSAGE = (
    "Too many failed sign-in attempts for this user from your address. Sign-in is paused for "
    "{minutes} minutes to protect the account; try again later or ask your administrator."
)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class LoginForm(forms.Form):
    username = forms.CharField(label="User name", max_length=255)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    domain = forms.CharField(
        label="Domain", max_length=255, initial=settings.OPENSTACK_DEFAULT_DOMAIN
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
            return LOCKED_OUT_MESSAGE.format(minutes=lockout_minutes())
        failure = getattr(self.request, "keystone_login", LoginFailure.BAD_CREDENTIALS)
        return FAILURE_MESSAGES[failure].format(
            default=settings.OPENSTACK_DEFAULT_DOMAIN,
            limit=settings.AXES_FAILURE_LIMIT,
            minutes=lockout_minutes(),
        )
