"""The endpoint open pages poll to learn whether the mirror changed under them."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from dashboard.mirror.live import mirror_version


@never_cache
@require_GET
def version(request: HttpRequest) -> HttpResponse:
    """The session's mirror version (`dashboard.mirror.live`): 204 when it is still `?v=`, else
    `{"version": ..., "project": ...}` (the session's project: a page of another project, which
    the session switched away from in another tab, reloads); 401 without a signed-in session,
    503 while Redis is unreachable."""
    keystone = getattr(request, "keystone", None)
    if keystone is None:
        return JsonResponse({"error": "Sign in to follow the mirror."}, status=401)
    try:
        current = mirror_version(project_id=keystone.project_id, user_id=keystone.user_id)
    except RedisError:
        return JsonResponse(
            {"error": "Live updates are paused: the dashboard cannot reach Redis. Reload later."},
            status=503,
        )
    if request.GET.get("v") == current:
        return HttpResponse(status=204)
    return JsonResponse({"version": current, "project": keystone.project_id})
