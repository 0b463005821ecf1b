"""Views shared by every app: placeholders for sections still to come, the health check, the
favicon at the address browsers ask for on their own, and the answer for addresses nothing
answers at."""

from collections.abc import Callable
from typing import Any

import redis
import structlog
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from django.views.generic import TemplateView

from dashboard.celery import app as celery_app

log = structlog.get_logger(__name__)

# Seconds each dependency of the health check has to answer: a load balancer's check must not hang.
HEALTH_TIMEOUT = 2  # seconds


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


def _database() -> None:
    connection.ensure_connection()  # looked up per call: the connection object is per thread


def _redis() -> None:
    with redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=HEALTH_TIMEOUT, socket_timeout=HEALTH_TIMEOUT
    ) as client:
        client.ping()


def _broker() -> None:
    with celery_app.connection_for_write(
        settings.CELERY_BROKER_URL, connect_timeout=HEALTH_TIMEOUT
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=HEALTH_TIMEOUT)


# What the web process needs, by the name /healthz reports: the database; Redis, which keeps the
# users' tokens for their operations; the cache (the throttles' counts); Celery's broker.
HEALTH_CHECKS: dict[str, Callable[[], object]] = {
    "database": _database,
    "redis": _redis,
    "cache": lambda: cache.get("healthz"),
    "broker": _broker,
}


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the web process reaches everything it needs (for load balancers and
    compose); else 503 naming the parts that failed (the reasons go to the log only)."""
    failed = []
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception:
            log.exception("healthz.unavailable", part=name)
            failed.append(name)
    if failed:
        return HttpResponse(
            f"unavailable: {', '.join(failed)}", status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers request without being told: the SVG icon base.html links."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
