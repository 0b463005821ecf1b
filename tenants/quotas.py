"""Refusing, in a form, a change that cannot fit the project's quota, before any cloud call.

Usage in a create form's `clean()` (the project is the form's `project_id`):

    require_quota(project_id=self.project_id, service="network", resource="network")
    require_quota(project_id=self.project_id, service="compute", resource="cores",
                  adding=flavor.vcpus)

This module is the quota hook of every operation form (`settings.QUOTA_CHECKS`, read by
`dashboard.web.forms.ProjectForm`). `require_quota` raises `forms.ValidationError` saying which
limit, how much is used and what to do, e.g. "You have used 10 of 10 networks; delete one or ask
an administrator for a larger quota. See the Overview." It reads the quota mirror only
(`tenants.selectors.quotas.quota_headroom`), so the cloud stays the final judge: a change that
passes here may still be refused by Nova or Neutron when the mirror is behind.
"""

from django import forms

from tenants.resources import BY_KEY
from tenants.selectors.quotas import Headroom, quota_headroom


def quota_refusal(*, noun: str, headroom: Headroom, adding: int) -> str | None:
    """The refusal of adding `adding` of a resource with this headroom; None when it fits."""
    if headroom.limit is None or headroom.left is None or adding <= headroom.left:
        return None
    if headroom.left == 0:
        return (
            f"You have used {headroom.in_use} of {headroom.limit} {noun}; delete one or ask an "
            "administrator for a larger quota. See the Overview."
        )
    return (
        f"This needs {adding} {noun}, but only {headroom.left} of your {headroom.limit} are left; "
        "free some or ask an administrator for a larger quota. See the Overview."
    )


def require_quota(*, project_id: str, service: str, resource: str, adding: int = 1) -> None:
    """Raise forms.ValidationError (code "over_quota") when adding `adding` of the resource
    would exceed the project's quota as mirrored; unlimited and not yet mirrored quotas pass."""
    entry = BY_KEY.get(f"{service}_{resource}")
    noun = entry.noun if entry else resource.replace("_", " ")
    headroom = quota_headroom(project_id=project_id, service=service, resource=resource)
    refusal = quota_refusal(noun=noun, headroom=headroom, adding=adding)
    if refusal is not None:
        raise forms.ValidationError(refusal, code="over_quota")


def quota_line(*, project_id: str, service: str, resource: str) -> str:
    """ "Networks: 3 of 10 used, 7 left": what a create form says of a quota it uses."""
    entry = BY_KEY.get(f"{service}_{resource}")
    noun = entry.label if entry else resource.replace("_", " ").capitalize()
    headroom = quota_headroom(project_id=project_id, service=service, resource=resource)
    if headroom.limit is None:
        return f"{noun}: {headroom.in_use} used, no limit"
    return f"{noun}: {headroom.in_use} of {headroom.limit} used, {headroom.left} left"
