"""Tenants' requests (more quota, a longer trial) and the administrators' decision on them.

The tenant's forms record a request; nothing here calls the cloud. A quota request asks only for
the limits the tenant changed, each above its current limit and at most
settings.QUOTA_REQUEST_MAX_VALUE; an extension at most settings.EXTENSION_REQUEST_MAX_DAYS days.
A project has at most one open request of each kind.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.web.forms import bootstrap_class
from tenants.selectors.quotas import QuotaUsage, quota_usage_list
from tenants.selectors.requests import open_extension_request, open_quota_request

ONE_OPEN = _(
    "You already asked for this and an administrator has not decided yet; wait for the "
    "decision (see Requests) before asking again."
)


class RequestForm(forms.Form):
    """The reason and the email the answer goes to, shared by both kinds of request."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you need it for; the administrators read this."),
    )
    email = forms.EmailField(
        label=_("Email for the answer"),
        help_text=_("The decision is mailed here."),
    )

    def __init__(self, *args: Any, project_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        for field in self.fields.values():
            css = bootstrap_class(field.widget)
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()


def wanted_field(usage: QuotaUsage) -> forms.IntegerField:
    return forms.IntegerField(
        label=usage.resource.label,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )


class QuotaRequestForm(RequestForm):
    """The session's project's quotas (use and limit from the mirror), a field for the limit
    wanted of each limited one (left empty: not asked for), the reason and the email."""

    field_order = ["reason", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Quotas without a limit (or not mirrored yet) cannot be asked for more of.
        self.usage = [
            usage
            for usage in quota_usage_list(project_id=self.project_id)
            if usage.limit is not None and usage.limit >= 0
        ]
        for usage in self.usage:
            self.fields[usage.resource.key] = wanted_field(usage)

    def rows(self) -> list[tuple[forms.BoundField, QuotaUsage]]:
        """(field, usage) of every quota that may be asked for, for the page's table."""
        return [(self[usage.resource.key], usage) for usage in self.usage]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        maximum = settings.QUOTA_REQUEST_MAX_VALUE
        for usage in self.usage:
            key = usage.resource.key
            value = cleaned.get(key)
            if value is None:
                continue
            assert usage.limit is not None
            if value <= usage.limit:
                self.add_error(
                    key,
                    forms.ValidationError(
                        gettext(
                            "Ask for more than your current limit of %(limit)s, or leave it empty."
                        )
                        % {"limit": usage.limit},
                        code="not_above_limit",
                    ),
                )
            elif value > maximum:
                self.add_error(
                    key,
                    forms.ValidationError(
                        gettext("At most %(maximum)s can be asked for.") % {"maximum": maximum},
                        code="too_large",
                    ),
                )
        if not self.errors and not self.values():
            raise forms.ValidationError(
                gettext("Give at least one new limit you want."), code="no_values"
            )
        if open_quota_request(project_id=self.project_id) is not None:
            raise forms.ValidationError(str(ONE_OPEN), code="one_open")
        return cleaned

    def values(self) -> dict[str, int]:
        """The limits asked for, by "<service>:<resource>"."""
        return {
            f"{usage.resource.service}:{usage.resource.resource}": self.cleaned_data[
                usage.resource.key
            ]
            for usage in self.usage
            if self.cleaned_data.get(usage.resource.key) is not None
        }

    def current(self) -> dict[str, dict[str, int | None]]:
        """The use and limit the tenant saw of each value asked for."""
        return {
            f"{u.resource.service}:{u.resource.resource}": {"limit": u.limit, "in_use": u.in_use}
            for u in self.usage
            if self.cleaned_data.get(u.resource.key) is not None
        }


def prefilled_value(usage: QuotaUsage, step_limits: dict[str, int]) -> int:
    """What the request form suggests for a quota a create refused: the next size's limit when
    it is above the current one, else twice the limit (at least one more)."""
    assert usage.limit is not None
    key = f"{usage.resource.service}:{usage.resource.resource}"
    suggested = step_limits.get(key, 0)
    return suggested if suggested > usage.limit else max(usage.limit * 2, usage.limit + 1)


class ExtensionRequestForm(RequestForm):
    """Days more for the session's trial project (at most EXTENSION_REQUEST_MAX_DAYS)."""

    field_order = ["days", "reason", "email"]

    days = forms.IntegerField(label=_("Days more"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        maximum = settings.EXTENSION_REQUEST_MAX_DAYS
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.max_value = maximum
        days.validators.append(MaxValueValidator(maximum))
        days.widget.attrs["max"] = maximum

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if open_extension_request(project_id=self.project_id) is not None:
            raise forms.ValidationError(str(ONE_OPEN), code="one_open")
        return cleaned


class DecisionForm(forms.Form):
    """An administrator's decision: approve, or reject with a reason (mailed to the tenant)."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason (required to reject; mailed to the tenant)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                forms.ValidationError(
                    gettext("Say why it is rejected: the tenant reads this."), code="no_reason"
                ),
            )
        return cleaned
