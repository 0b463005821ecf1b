"""The administrators' dry run of the trials' clean-up: what its next run would remove, per
project and object, and when (from the mirror, as the run itself plans it)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from dashboard.web.views import AdminRequiredMixin
from tenants.lifetimes import KINDS, PROJECT, Removal, cleanup_plan


def _shown(removal: Removal) -> dict[str, Any]:
    kind = KINDS.get(removal.resource_type)
    label = _("Project") if removal.resource_type == PROJECT else (kind.label if kind else "")
    return {"label": label, "removal": removal}


class TrialCleanupView(AdminRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        plans = [
            {
                "plan": plan,
                "removals": [_shown(removal) for removal in plan.removals],
                "coming": [_shown(removal) for removal in plan.coming],
            }
            for plan in cleanup_plan(timezone.now())
        ]
        return render(request, "tenants/admin_trial_cleanup.html", {"plans": plans})
