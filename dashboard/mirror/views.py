"""The endpoint open pages poll to learn whether the mirror changed under them."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from dashboard.mirror.live import freshness_version, session_versions

MAX_GROUPS = 8


@never_cache
@require_GET
def version(request: HttpRequest) -> HttpResponse:
    """The session's mirror version (`v`; of every project with `all=1`, for an administrator's
    page that lists them) and the freshness version (`f`) of the sync `groups` the page shows
    (comma-separated), as `dashboard.mirror.live` computes them: 204 while both
    are still what the page sent, else `{"version", "freshness", "project"}` (the session's
    project: a page of another project, which the session switched away from in another tab,
    reloads). 401 without a signed-in session, 503 while Redis is unreachable."""
    keystone = getattr(request, "keystone", None)
    if keystone is None:
        return JsonResponse({"error": _("Sign in to follow the mirror.")}, status=401)
    groups = {group for group in request.GET.get("groups", "").split(",") if group}
    if len(groups) > MAX_GROUPS:
        return JsonResponse(
            {"error": _("Ask for at most %(count)s sync groups.") % {"count": MAX_GROUPS}},
            status=400,
        )
    try:
        current = session_versions(keystone, all_projects=request.GET.get("all") == "1")
    except RedisError:
        return JsonResponse(
            {
                "error": _(
                    "Live updates are paused: the dashboard cannot reach Redis. Reload later."
                )
            },
            status=503,
        )
    freshness = freshness_version(groups=groups, version=current.sync_states)
    if request.GET.get("v") == current.mirror and request.GET.get("f") == freshness:
        return HttpResponse(status=204)
    return JsonResponse(
        {"version": current.mirror, "freshness": freshness, "project": keystone.project_id}
    )
