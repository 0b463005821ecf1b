"""Template context every page needs: the navigation, the current Keystone session and the
scripts' translations in the page's language."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from dashboard.web.navigation import visible_navigation
from dashboard.web.views import javascript_catalog_url


def navigation(request: HttpRequest) -> dict[str, Any]:
    catalog = javascript_catalog_url(get_language())
    keystone = getattr(request, "keystone", None)
    if keystone is None:
        return {"keystone": None, "navigation": [], "javascript_catalog_url": catalog}
    match = getattr(request, "resolver_match", None)
    return {
        "javascript_catalog_url": catalog,
        "keystone": keystone,
        "navigation": visible_navigation(is_admin=keystone.is_admin),
        "current_url_name": match.view_name if match else "",
    }
