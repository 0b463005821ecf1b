"""The web layer's middleware: no page renders inside another, and answers to a signed-in user
are never stored by the browser or a proxy."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import push_url, reswap, retarget

FULL_PAGE = b"<!doctype html"


def is_full_page(response: HttpResponse) -> bool:
    """Whether `response` is a whole HTML document (base.html), not a partial."""
    if response.streaming or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return response.content.lstrip()[: len(FULL_PAGE)].lower() == FULL_PAGE


class FullPageMiddleware:
    """An htmx request answered with a whole page (a link followed inside a partial, a view that
    has no partial for it) gets that page in place of the body, and its URL in the address bar,
    as a click on a plain link would: never swapped into the element that sent the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.htmx or not is_full_page(response):  # type: ignore[attr-defined]
            return response
        response = reswap(retarget(response, "body"), "innerHTML")
        if request.method == "GET":
            response = push_url(response, request.get_full_path())
        return response


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store` (and private) on every answer to a signed-in user that does not
    set its own: pages and API answers carry the project's data, which must not outlive the
    session on a shared computer or in a cache between browser and dashboard. Static files
    (whitenoise, earlier in the chain) keep their long caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
