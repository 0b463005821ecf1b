"""Per-user limits on expensive requests, the same in the API and in the pages.

The API applies them as DRF throttles (429 with Retry-After); a page view asks
`throttle_refusal`, which counts the request against the same counter and, over the limit, gives
the message to show in place of the result and the seconds to send as Retry-After. Counts live
in the cache (Redis, shared by every web process), per Keystone user; the rates are settings
(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).
"""

from dataclasses import dataclass
from math import ceil
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class UserActionThrottle(UserRateThrottle):
    """At most the `scope`'s rate of requests per Keystone user; `doing` words the refusal."""

    doing: StrOrPromise = ""

    def get_rate(self) -> str | None:
        # DRF reads the rates once, at import; reading them here lets settings changes apply.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(str(self.scope))
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Any, view: Any) -> str:
        # The Keystone user id: stable, unlike the local row's pk, over database resets.
        user = request.user
        ident = user.keystone_id if user.is_authenticated else self.get_ident(request)
        return str(self.cache_format % {"scope": self.scope, "ident": ident})

    def refusal(self) -> "ThrottleRefusal":
        """What the user reads when over the limit: which limit, and when to try again."""
        wait = ceil(self.wait() or 1)
        message = ngettext(
            # Translators: %(doing)s: “generated key pairs”; %(rate)s as in the settings: 5/minute.
            "You have %(doing)s too often (at most %(rate)s). Try again in %(seconds)s second.",
            "You have %(doing)s too often (at most %(rate)s). Try again in %(seconds)s seconds.",
            wait,
        ) % {"doing": self.doing, "rate": self.rate, "seconds": wait}
        return ThrottleRefusal(message=message, retry_after=wait)


@dataclass(frozen=True)
class ThrottleRefusal:
    """A page's refusal: the message, and the seconds until a request is allowed again (the
    Retry-After of a 429)."""

    message: str
    retry_after: int

    def with_retry_after(self, response: HttpResponse) -> HttpResponse:
        """`response` (a 429) with the Retry-After header."""
        response["Retry-After"] = str(self.retry_after)
        return response


class ClientActionThrottle(UserActionThrottle):
    """At most the `scope`'s rate of requests per client address, signed in or not: for the
    public pages (DRF's `get_ident`: the address behind the trusted proxies)."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return str(self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)})


class KeyPairGenerateThrottle(UserActionThrottle):
    """Generating a key pair (RSA 4096 costs the web process about a second of CPU)."""

    scope = "keypair_generate"
    doing = gettext_lazy("generated key pairs")


class ServerLiveThrottle(UserActionThrottle):
    """Console links, console and action logs: calls to Nova that hold a web process while Nova
    answers (a console link also makes Nova issue a console token)."""

    scope = "server_live"
    doing = gettext_lazy("asked Nova for consoles and logs")


def throttle_refusal(
    request: HttpRequest, throttle_class: type[UserActionThrottle]
) -> ThrottleRefusal | None:
    """Count `request` against the throttle; None while under its limit, else the refusal."""
    throttle = throttle_class()
    # A DRF throttle reads only the request's `user` and `META`, which a Django request has too.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    return throttle.refusal()
