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

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.resources import BY_KEY
from tenants.selectors.quotas import Headroom, quota_headroom


def quota_refusal(*, noun: str, headroom: Headroom, adding: int) -> str | None:
    """The refusal of adding `adding` of a resource with this headroom; None when it fits."""
    if headroom.limit is None or headroom.left is None or adding <= headroom.left:
        return None
    figures = {"noun": noun, "in_use": headroom.in_use, "limit": headroom.limit}
    if headroom.left == 0:
        used_up = _(
            # Translators: %(noun)s is a kind of resource in the plural ("networks", "MiB of RAM").
            "You have used %(in_use)s of %(limit)s %(noun)s; delete one or ask an "
            "administrator for a larger quota. See the Overview."
        )
        return used_up % figures
    return _(
        "This needs %(adding)s %(noun)s, but only %(left)s of your %(limit)s are left; free some "
        "or ask an administrator for a larger quota. See the Overview."
    ) % {**figures, "adding": adding, "left": headroom.left}


def require_quota(*, project_id: str, service: str, resource: str, adding: int = 1) -> None:
    """Raise forms.ValidationError (code "over_quota") when adding `adding` of the resource
    would exceed the project's quota as mirrored; unlimited and not yet mirrored quotas pass."""
    entry = BY_KEY.get(f"{service}_{resource}")
    noun = str(entry.noun) if entry else resource.replace("_", " ")
    headroom = quota_headroom(project_id=project_id, service=service, resource=resource)
    refusal = quota_refusal(noun=noun, headroom=headroom, adding=adding)
    if refusal is not None:
        raise forms.ValidationError(refusal, code="over_quota")


def quota_line(*, project_id: str, service: str, resource: str) -> str:
    """ "Networks: 3 of 10 used, 7 left": what a create form says of a quota it uses."""
    entry = BY_KEY.get(f"{service}_{resource}")
    label = str(entry.label) if entry else resource.replace("_", " ").capitalize()
    headroom = quota_headroom(project_id=project_id, service=service, resource=resource)
    if headroom.limit is None:
        return _("%(label)s: %(in_use)s used, no limit") % {
            "label": label,
            "in_use": headroom.in_use,
        }
    return _("%(label)s: %(in_use)s of %(limit)s used, %(left)s left") % {
        "label": label,
        "in_use": headroom.in_use,
        "limit": headroom.limit,
        "left": headroom.left,
    }


def quota_request_url(*, service: str, resource: str) -> str:
    """The page that asks for more of a quota, that quota's field prefilled (a create form's
    refusal links to it)."""
    return f"{reverse('tenants:quota_request')}?{urlencode({'resource': f'{service}_{resource}'})}"
