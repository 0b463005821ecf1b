"""Reads the session's mirror version for every page, before its view reads the mirror."""

from collections.abc import Callable
from contextlib import suppress

from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

from dashboard.mirror.live import Versions, session_versions


def request_versions(request: object) -> Versions:
    """The versions `MirrorVersionMiddleware` read for the request; "" each where it read none
    (not a full page, not signed in, Redis unknown), or for no request at all."""
    return Versions(
        mirror=getattr(request, "mirror_version", ""),
        sync_states=getattr(request, "sync_states_version", ""),
    )


class MirrorVersionMiddleware:
    """Sets `request.mirror_version` and `request.sync_states_version` ("" when unknown) on
    full-page GETs of a signed-in session.

    Read before the view runs, so a change committed while the page renders makes the page's
    first poll see a newer version and reload its live parts. Pages carry it in
    `<body data-mirror-version>`, where `static/js/live.js` starts from.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.mirror_version = request.sync_states_version = ""  # type: ignore[attr-defined]
        keystone = getattr(request, "keystone", None)
        page = request.method == "GET" and not request.htmx  # type: ignore[attr-defined]
        if keystone is not None and page and request.accepts("text/html"):
            # Without Redis the page still renders; its first poll then reloads the live parts.
            with suppress(RedisError):
                versions = session_versions(keystone)
                request.mirror_version = versions.mirror  # type: ignore[attr-defined]
                request.sync_states_version = versions.sync_states  # type: ignore[attr-defined]
        return self.get_response(request)
