"""The sign-in form (Keystone user name, password and domain), and administrators' quota forms."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.forms import BoundField
from django.http import HttpRequest

from dashboard.cloud.errors import CloudError
from dashboard.web.forms import ProjectForm
from tenants.auth import Login, LoginFailure
from tenants.resources import ALL_RESOURCES, COMPUTE, NETWORK, QuotaResource
from tenants.selectors import QuotaUsage, quota_default_list, quota_usage_list

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


# ---- quotas (administrators) -------------------------------------------------------------------

BELOW_USAGE_EFFECT = (
    "Nothing that exists is removed: existing instances keep running and existing network "
    "resources keep working, but new ones are refused until usage drops below the limit."
)


def limit_field(resource: QuotaResource) -> forms.IntegerField:
    return forms.IntegerField(
        label=resource.label,
        min_value=-1,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )


class QuotaLimitsForm(ProjectForm):
    """One optional limit field per quota of `usage` (-1 = unlimited); empty fields stay as they
    are, and at least one must be given."""

    usage: list[QuotaUsage]

    @classmethod
    def api_fields(cls) -> dict[str, forms.Field]:
        """Every field the form may have (the API's schema): a limit for each known quota."""
        return {**cls.base_fields, **{r.key: limit_field(r) for r in ALL_RESOURCES}}

    @property
    def unified_limits(self) -> bool:
        """Whether compute limits are Keystone's unified limits rather than Nova's quotas."""
        return bool(settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS)

    def add_limit_fields(self) -> None:
        for usage in self.usage:
            self.fields[usage.resource.key] = limit_field(usage.resource)
            self.initial.setdefault(usage.resource.key, usage.limit)

    def rows(self, service: str) -> list[tuple[BoundField, QuotaUsage]]:
        """(field, usage) of one service's quotas, for the page's table."""
        return [(self[u.resource.key], u) for u in self.usage if u.resource.service == service]

    def compute_rows(self) -> list[tuple[BoundField, QuotaUsage]]:
        return self.rows(COMPUTE)

    def network_rows(self) -> list[tuple[BoundField, QuotaUsage]]:
        return self.rows(NETWORK)

    def given_limits(self) -> dict[str, int]:
        return {
            u.resource.key: self.cleaned_data[u.resource.key]
            for u in self.usage
            if self.cleaned_data.get(u.resource.key) is not None
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.given_limits():
            raise forms.ValidationError("Give at least one limit to set.", code="no_limits")
        return cleaned


class ProjectQuotasForm(QuotaLimitsForm):
    """An administrator's edit of one project's (`obj`) compute and network limits, checked
    against its usage in the mirror: a limit below usage needs `confirm_below_usage`."""

    confirm_below_usage = forms.BooleanField(
        required=False,
        label="Apply limits below current usage",
        help_text=BELOW_USAGE_EFFECT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.usage = quota_usage_list(project_id=self.obj.id)
        self.add_limit_fields()

    @property
    def needs_confirmation(self) -> bool:
        return "confirm_below_usage" in self.errors or bool(
            self.is_bound and self.data.get("confirm_below_usage")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        below = [
            f"{u.resource.noun} {cleaned[u.resource.key]} ({u.in_use} in use)"
            for u in self.usage
            if cleaned.get(u.resource.key) is not None and 0 <= cleaned[u.resource.key] < u.in_use
        ]
        if below and not cleaned.get("confirm_below_usage"):
            self.add_error(
                "confirm_below_usage",
                forms.ValidationError(
                    f"These limits are below what project “{self.obj.name_or_id}” already "
                    f"uses: {'; '.join(below)}. {BELOW_USAGE_EFFECT} Tick “Apply limits below "
                    "current usage” to set them anyway.",
                    code="below_usage",
                ),
            )
        return cleaned


class ComputeDefaultQuotasForm(QuotaLimitsForm):
    """The default compute limits of projects without their own; network defaults are shown
    beside it, read-only (Neutron has no API to set them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.usage = quota_default_list(service=COMPUTE)
        self.network_defaults = quota_default_list(service=NETWORK)
        self.add_limit_fields()
