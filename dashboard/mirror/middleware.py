"""Reads the session's mirror version for every page, before its view reads the mirror."""

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

from dashboard.mirror.live import Versions, session_versions


def request_versions(request: object) -> Versions:
    """The versions `MirrorVersionMiddleware` read for the request; "" each where it read none
    (not a full page, not signed in, Redis unknown), or for no request at all."""
    return Versions(
        mirror=getattr(request, "mirror_version", ""),
        sync_states=getattr(request, "sync_states_version", ""),
        project=getattr(request, "project_mirror_version", ""),
    )


def follows_all_projects(view: Callable[..., Any]) -> bool:
    """Whether a view's page lists every project (`follows_all_projects` on its class: the
    administrators' pages), so that its mirror version moves with any project's change."""
    return bool(getattr(getattr(view, "view_class", None), "follows_all_projects", False))


class MirrorVersionMiddleware:
    """Sets `request.mirror_version`, `request.project_mirror_version` and
    `request.sync_states_version` ("" when unknown) on full-page GETs of a signed-in session,
    and `request.mirror_all_projects` when the page's version follows every project.

    Read before the view runs, so a change committed while the page renders makes the page's
    first poll see a newer version and reload its live parts. Pages carry it in
    `<body data-mirror-version>` (and `data-mirror-all`), where `static/js/live.js` starts from.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # What a request no view answers (a 404 of the resolver) renders with.
        request.mirror_version = request.sync_states_version = ""  # type: ignore[attr-defined]
        request.project_mirror_version = ""  # type: ignore[attr-defined]
        request.mirror_all_projects = False  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        keystone = getattr(request, "keystone", None)
        page = request.method == "GET" and not request.htmx  # type: ignore[attr-defined]
        if keystone is not None and page and request.accepts("text/html"):
            all_projects = follows_all_projects(view) and keystone.is_admin
            # Without Redis the page still renders; its first poll then reloads the live parts.
            with suppress(RedisError):
                versions = session_versions(keystone, all_projects=all_projects)
                request.mirror_version = versions.mirror  # type: ignore[attr-defined]
                request.project_mirror_version = versions.project  # type: ignore[attr-defined]
                request.sync_states_version = versions.sync_states  # type: ignore[attr-defined]
                request.mirror_all_projects = all_projects  # type: ignore[attr-defined]
