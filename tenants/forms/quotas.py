"""Administrators' quota changes: one project's compute and network limits, and the default
compute limits. Each form is the action: its fields (one per quota it may set), its checks against
the mirror (a limit below usage needs confirming), and the operation its valid data becomes.

The pages that show them are for administrators only (`AdminRequiredMixin`, and the API's
`IsKeystoneAdmin`): the forms declare no `model` or `action` of their own, so no project member's
button or permitted action lists them.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.forms import BoundField
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest
from dashboard.web.forms import ProjectForm
from tenants.models import Project
from tenants.resources import ALL_RESOURCES, BY_KEY, COMPUTE, NETWORK, QuotaResource
from tenants.selectors.quotas import QuotaUsage, quota_default_list, quota_usage_list
from tenants.services import quotas as services

BELOW_USAGE_EFFECT = _(
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

    def limits(self, service: str) -> dict[str, int]:
        """The limits given for one service, by the service's own resource names (`cores`,
        `floatingip`), as its API takes them; fields left empty are left out."""
        return {
            BY_KEY[key].resource: value
            for key, value in self.given_limits().items()
            if BY_KEY[key].service == service
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.given_limits():
            raise forms.ValidationError(
                gettext("Give at least one limit to set."), code="no_limits"
            )
        return cleaned


class ProjectQuotasForm(QuotaLimitsForm):
    """An administrator's edit of one project's (`obj`) compute and network limits, checked
    against its usage in the mirror: a limit below usage needs `confirm_below_usage`."""

    obj: Project

    confirm_below_usage = forms.BooleanField(
        required=False,
        label=_("Apply limits below current usage"),
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
            # Translators: one limit below usage, e.g. "networks 2 (5 in use)".
            gettext("%(noun)s %(limit)s (%(in_use)s in use)")
            % {"noun": u.resource.noun, "limit": cleaned[u.resource.key], "in_use": u.in_use}
            for u in self.usage
            if cleaned.get(u.resource.key) is not None and 0 <= cleaned[u.resource.key] < u.in_use
        ]
        if below and not cleaned.get("confirm_below_usage"):
            message = gettext(
                "These limits are below what project “%(name)s” already uses: %(below)s. "
                "%(effect)s Tick “Apply limits below current usage” to set them anyway."
            ) % {
                "name": self.obj.name_or_id,
                # Translators: the separator between limits in a list of them.
                "below": gettext("; ").join(below),
                "effect": BELOW_USAGE_EFFECT,
            }
            self.add_error(
                "confirm_below_usage", forms.ValidationError(message, code="below_usage")
            )
        return cleaned

    def operation_request(self) -> OperationRequest:
        project = self.obj
        return OperationRequest(
            service=services.project_quotas_update,
            description=Message(
                gettext_noop("Set the quotas of project “%(name)s”"), {"name": project.name_or_id}
            ),
            target_type="project",
            target_id=project.id,
            target_name=project.name,
            params={
                "project_id": project.id,
                "compute": self.limits(COMPUTE),
                "network": self.limits(NETWORK),
                "force": bool(self.cleaned_data.get("confirm_below_usage")),
            },
        )


class ComputeDefaultQuotasForm(QuotaLimitsForm):
    """The default compute limits of projects without their own; network defaults are shown
    beside it, read-only (Neutron has no API to set them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.usage = quota_default_list(service=COMPUTE)
        self.network_defaults = quota_default_list(service=NETWORK)
        self.add_limit_fields()

    def operation_request(self) -> OperationRequest:
        return OperationRequest(
            service=services.compute_default_quotas_update,
            description=Message(gettext_noop("Set the default compute quotas")),
            target_type="quota defaults",
            target_id=COMPUTE,
            target_name="compute",
            params={"compute": self.limits(COMPUTE)},
        )
