"""Template context every page needs: the navigation and the current Keystone session."""

from typing import Any

from django.http import HttpRequest

from dashboard.web.navigation import visible_navigation


def navigation(request: HttpRequest) -> dict[str, Any]:
    keystone = getattr(request, "keystone", None)
    if keystone is None:
        return {"keystone": None, "navigation": []}
    match = getattr(request, "resolver_match", None)
    return {
        "keystone": keystone,
        "navigation": visible_navigation(is_admin=keystone.is_admin),
        "current_url_name": match.view_name if match else "",
    }
