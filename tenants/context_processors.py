"""What every page of a trial project shows: the trial's end and the objects' lifetimes (the
banner in base.html), read once per request and only when a page renders it."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tenants.lifetimes import page_removals


def trial(request: HttpRequest) -> dict[str, Any]:
    return {
        "trial_removals": SimpleLazyObject(lambda: page_removals(request)),
        "trial_server_hours": settings.TRIAL_SERVER_LIFETIME_HOURS,
        "trial_floating_ip_idle_hours": settings.TRIAL_FLOATING_IP_IDLE_HOURS,
    }
