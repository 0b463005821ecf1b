"""Sign-in against Keystone: password -> unscoped token -> the user's projects -> scoped token."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest
from python_ipware import IpWare

from dashboard.cloud import identity
from dashboard.cloud.errors import CloudUnauthorized
from tenants.models import User
from tenants.session import KeystoneSession


class LoginFailure(StrEnum):
    """Why Keystone refused a sign-in; the login view words each one for the user."""

    # A wrong password, an unknown user and an unknown domain alike: Keystone answers 401 to
    # all three, and telling them apart would let anyone enumerate domains.
    BAD_CREDENTIALS = "bad_credentials"
    NO_PROJECTS = "no_projects"


@dataclass(frozen=True)
class Login:
    user: User
    keystone: KeystoneSession


def throttle_key(request: HttpRequest | None, credentials: dict[str, Any]) -> str:
    """The name failed sign-ins are counted under (with the address): domain and user name."""
    domain = (credentials.get("domain") or "").strip().lower()
    return f"{domain}/{(credentials.get('username') or '').strip().lower()}"


def client_address(request: HttpRequest) -> str | None:
    """The address failed sign-ins are counted under (django-axes): the peer's own, or, when the
    peer is the last of the trusted proxies (`TRUSTED_PROXIES`), the client those proxies named in
    X-Forwarded-For. A client that reaches the dashboard directly cannot choose its address."""
    peer: str | None = request.META.get("REMOTE_ADDR")
    if not settings.TRUSTED_PROXIES or not peer:
        return peer
    # The peer closes the chain, so each proxy hop, the peer included, must match its entry.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = {"CHAIN": f"{forwarded}, {peer}" if forwarded else peer}
    ipware = IpWare(precedence=("CHAIN",), proxy_list=list(settings.TRUSTED_PROXIES))
    client, through_trusted_proxies = ipware.get_client_ip(chain)
    return str(client) if client is not None and through_trusted_proxies else peer


def _choose_project(projects: list[identity.Project], last_project_id: str) -> identity.Project:
    """The project the user used last, when they still have it; else the first by name."""
    return next((p for p in projects if p.id == last_project_id), projects[0])


def keystone_login(*, username: str, password: str, domain: str) -> Login | LoginFailure:
    """Sign in with Keystone; raises CloudError when Keystone cannot be asked at all."""
    try:
        unscoped = identity.password_login(username=username, password=password, domain=domain)
    except CloudUnauthorized:
        return LoginFailure.BAD_CREDENTIALS
    projects = identity.user_projects(token=unscoped.token)
    if not projects:
        identity.revoke_token(token=unscoped.token)
        return LoginFailure.NO_PROJECTS
    user = User.objects.upsert_from_keystone(
        keystone_id=unscoped.user_id,
        name=unscoped.user_name,
        domain_name=unscoped.user_domain_name,
    )
    project = _choose_project(projects, user.last_project_id)
    scoped = identity.scoped_token(token=unscoped.token, project_id=project.id)
    keystone = KeystoneSession.from_tokens(unscoped=unscoped, scoped=scoped, projects=projects)
    return Login(user=user, keystone=keystone)


class KeystoneBackend:
    """Django authentication backend; the Keystone session travels on `request.keystone_login`."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        domain: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if request is None or not username or not password or not domain:
            return None
        outcome = keystone_login(username=username, password=password, domain=domain)
        request.keystone_login = outcome  # type: ignore[attr-defined]
        return outcome.user if isinstance(outcome, Login) else None

    def get_user(self, user_id: int) -> User | None:
        """The signed-in user's row, from the cache when a request read it in the last
        USER_CACHE_SECONDS (every page asks, and a query costs a tenth of a list page's time);
        any change to the row clears it (`forget_cached_user`). Django still checks the row
        against the session's auth hash."""
        key = cached_user_key(user_id)
        user: User | None = cache.get(key)
        if user is None:
            user = User.objects.filter(pk=user_id).first()
            if user is not None:
                cache.add(key, user, USER_CACHE_SECONDS)
        return user


# At most this long a row read before a concurrent change committed can be served after it.
USER_CACHE_SECONDS = 60


def cached_user_key(user_id: Any) -> str:
    """The cache key of a user's row; the database's name keeps apart deployments (and test
    runs) that share one Redis."""
    return f"tenants:user:{connection.settings_dict['NAME']}:{user_id}"


def forget_cached_user(instance: User, **kwargs: Any) -> None:
    """post_save and post_delete of a User: clear its cached row now, and again once the change
    commits (a request may have cached the row as it was in between)."""
    key = cached_user_key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
