"""Views shared by every app: placeholders for sections still to come, the health check, and the
answer for addresses nothing answers at."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from django.views.generic import TemplateView


class AdminRequiredMixin(LoginRequiredMixin):
    """Only users holding Keystone's admin role in the current project; others get 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        keystone = getattr(request, "keystone", None)
        if keystone is not None and not keystone.is_admin:
            raise PermissionDenied("This page is for cloud administrators.")
        return super().dispatch(request, *args, **kwargs)


class PlannedSectionView(LoginRequiredMixin, TemplateView):
    """A section whose pages are not built yet: it says what is coming instead of a 404."""

    template_name = "web/planned.html"
    title = ""
    summary = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=self.title, summary=self.summary, **kwargs)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for an address nothing answers: under /api/ in the API's JSON error shape, since an
    API client reads no page; elsewhere the site's page."""
    if request.path.startswith("/api/"):
        message = "Nothing answers at this address: see the paths in /api/schema/."
        return JsonResponse({"detail": message}, status=404)
    return page_not_found(request, exception)


def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the web process can reach its database (for load balancers and compose)."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")
