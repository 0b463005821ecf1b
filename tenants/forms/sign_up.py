"""The public sign-up form, and the administrators' sign-up policy form.

The sign-up form refuses, before anything is stored, an email with an application still open
(the page then offers to mail the verification link again) and an email that already belongs to
a Keystone user (by name or email attribute). Its honeypot field is hidden from people; a bot
that fills it is answered as if it had signed up (`is_bot`).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.cloud.errors import CloudError
from dashboard.web.forms import bootstrap_class
from tenants.models import Application, Language, SignUpPolicy
from tenants.selectors.sign_up import keystone_user_with_email, open_application

# The honeypot's name: one a browser's autofill and a bot both like to fill in.
HONEYPOT = "website"


class SignUpForm(forms.ModelForm):  # type: ignore[type-arg]
    """Who applies and what for; `open_application` is set when the email has an open one."""

    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = Application
        fields = ["name", "email", "organisation", "purpose", "language"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "email": {"invalid": _("Enter a whole email address, such as ana@example.org.")},
            "language": {
                "invalid_choice": _("“%(value)s” is not a language this dashboard speaks.")
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_application: Application | None = None
        language = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["language"].initial = (
            Language.CHINESE_SIMPLIFIED if language.startswith("zh") else Language.ENGLISH
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = bootstrap_class(field.widget)
        self.fields[HONEYPOT].widget.attrs.update(tabindex="-1", autocomplete="off")

    def is_bot(self) -> bool:
        """Whether the hidden field was filled in: only a bot does that."""
        return bool(self.data.get(HONEYPOT))

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        self.open_application = open_application(email=email)
        if self.open_application is not None:
            raise forms.ValidationError(
                gettext(
                    "You already applied with %(email)s; check your mail for the link to verify "
                    "it, or have it sent again."
                )
                % {"email": email},
                code="open",
            )
        try:
            existing = keystone_user_with_email(email=email)
        except CloudError as exc:
            raise forms.ValidationError(str(exc), code="cloud") from exc
        if existing is not None:
            raise forms.ValidationError(
                gettext(
                    "%(email)s already has an account on this cloud. Sign in with it; if you "
                    "forgot its password, ask the cloud's administrators."
                )
                % {"email": email},
                code="exists",
            )
        return email


class SignUpPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    """The automatic approval rules: email domains and the daily cap."""

    class Meta:
        model = SignUpPolicy
        fields = ["auto_approve_domains", "daily_cap"]
        widgets = {"auto_approve_domains": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "auto_approve_domains": _(
                "One per line, such as example.org. Verified applications from these domains are "
                "set up without waiting for an administrator."
            ),
            "daily_cap": _("Within any 24 hours; 0 approves none automatically."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = bootstrap_class(field.widget)

    def clean_auto_approve_domains(self) -> str:
        domains = str(self.cleaned_data["auto_approve_domains"]).replace(",", " ").split()
        for domain in domains:
            name = domain.lstrip("@")
            if "." not in name or "@" in name or "/" in name:
                raise forms.ValidationError(
                    gettext("“%(domain)s” is not an email domain, such as example.org.")
                    % {"domain": domain},
                    code="invalid_domain",
                )
        return "\n".join(domain.lstrip("@").lower() for domain in domains)
