"""Answers to a signed-in user are never stored by the browser or a proxy."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
