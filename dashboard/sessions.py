"""What the core knows of a signed-in session: a protocol the sign-in app's session satisfies
(`tenants.session.KeystoneSession`), and the request type that carries it.

The core depends on this protocol only, never on the app that signs users in.
"""

from datetime import datetime
from typing import Protocol, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails


class CloudSession(Protocol):
    """A user's Keystone session scoped to one project; the token never leaves the server."""

    user_id: str
    user_name: str
    project_id: str
    project_name: str
    roles: list[str]
    token: str
    expires_at: datetime

    @property
    def is_admin(self) -> bool: ...


class SessionRequest(HttpRequest):
    """A request past the session middleware: `keystone` is the signed-in session (None when
    nobody is signed in), `htmx` django-htmx's details."""

    keystone: CloudSession | None
    htmx: HtmxDetails


def session_request(request: HttpRequest) -> SessionRequest:
    """`request` as the middleware left it (`keystone`, `htmx`): for class-based views, whose
    `self.request` Django types as a plain HttpRequest."""
    return cast(SessionRequest, request)


def request_session(request: object) -> CloudSession:
    """The signed-in session a request (Django's or DRF's) carries; 403 when there is none."""
    session: CloudSession | None = getattr(request, "keystone", None)
    if session is None:
        raise PermissionDenied(_("Sign in first."))
    return session
