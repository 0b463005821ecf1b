"""A new password, typed twice and checked with Django's AUTH_PASSWORD_VALIDATORS: for the
Keystone users people make here (accepting an invitation, choosing a password after sign-up)."""

from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NewPasswordForm(forms.Form):
    """A password and its repetition; `email` (and a `username` field, when the form has one)
    feed the similarity validator."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", username: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.known_username = username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2",
                forms.ValidationError(
                    gettext("The two passwords differ. Type the same password twice."),
                    code="password_mismatch",
                ),
            )
        elif first:
            try:
                # The similarity validator compares the password with the name and email.
                person = SimpleNamespace(
                    username=cleaned.get("username", self.known_username), email=self.email
                )
                password_validation.validate_password(first, user=person)  # type: ignore[arg-type]
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
