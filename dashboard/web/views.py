"""Views shared by every app: placeholders for sections still to come, the health check, the
favicon at the address browsers ask for on their own, the scripts' translations, and the answer
for addresses nothing answers at."""

import hashlib
from collections.abc import Callable
from functools import cache as once
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from django.views.generic import TemplateView
from django.views.i18n import JavaScriptCatalog
from django_stubs_ext import StrOrPromise

from dashboard.celery import app as celery_app
from dashboard.redis_client import redis_client

log = structlog.get_logger(__name__)

# Seconds each dependency of the health check has to answer: a load balancer's check must not hang.
HEALTH_TIMEOUT = 2  # seconds


class AdminRequiredMixin(LoginRequiredMixin):
    """Only users holding Keystone's admin role in the current project; others get 403. Its
    pages list every project, so they follow every project's changes (`MirrorVersionMiddleware`)."""

    follows_all_projects = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        keystone = getattr(request, "keystone", None)
        if keystone is not None and not keystone.is_admin:
            raise PermissionDenied(_("This page is for cloud administrators."))
        return super().dispatch(request, *args, **kwargs)


class PlannedSectionView(LoginRequiredMixin, TemplateView):
    """A section whose pages are not built yet: it says what is coming instead of a 404."""

    template_name = "web/planned.html"
    title: StrOrPromise = ""
    summary: StrOrPromise = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=self.title, summary=self.summary, **kwargs)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for an address nothing answers: under /api/ in the API's JSON error shape, since an
    API client reads no page; elsewhere the site's page."""
    if request.path.startswith("/api/"):
        message = _("Nothing answers at this address: see the paths in /api/schema/.")
        return JsonResponse({"detail": message}, status=404)
    return page_not_found(request, exception)


def _database() -> None:
    connection.ensure_connection()  # looked up per call: the connection object is per thread


def _redis() -> None:
    redis_client(timeout=HEALTH_TIMEOUT).ping()


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


# A catalog's URL names its content (`javascript_catalog_version`): a year in the browser's cache.
JAVASCRIPT_CATALOG_MAX_AGE = 365 * 24 * 3600


@once
def javascript_catalog_version() -> str:
    """A short hash of the compiled djangojs catalogs: it changes when a translation does."""
    digest = hashlib.sha256()
    for locale_path in settings.LOCALE_PATHS:
        for compiled in sorted(Path(locale_path).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(compiled.parent.parent.name.encode())
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:12]


def javascript_catalog_url(language: str) -> str:
    """The catalog of `language` (English for one the dashboard does not have)."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return reverse(
        "javascript_catalog",
        kwargs={"language": language, "version": javascript_catalog_version()},
    )


class JavaScriptCatalogView(JavaScriptCatalog):
    """The scripts' translations (`gettext()` in static/js) in the language the URL names, at a
    URL that also names the catalog's version: browsers keep it for a year (it sets its own
    Cache-Control, so the signed-in no-store rule leaves it alone), and a page costs no request
    for it after the first. A script file like any other, so the CSP allows it."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = kwargs["language"]
        if language not in dict(settings.LANGUAGES):
            raise Http404(_("No such language."))
        if kwargs["version"] != javascript_catalog_version():
            # A page cached before the catalog changed: the current one, not cached for long.
            return HttpResponseRedirect(javascript_catalog_url(language))
        with translation.override(language):
            response: HttpResponse = super().get(request)
        patch_cache_control(
            response, public=True, max_age=JAVASCRIPT_CATALOG_MAX_AGE, immutable=True
        )
        return response
