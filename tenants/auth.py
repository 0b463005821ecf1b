"""Sign-in against Keystone: password -> unscoped token -> the user's projects -> scoped token."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import structlog
from django.http import HttpRequest

from dashboard.cloud import identity
from dashboard.cloud.errors import CloudError, CloudUnauthorized
from tenants.models import User
from tenants.session import KeystoneSession

log = structlog.get_logger(__name__)


class LoginFailure(StrEnum):
    """Why Keystone refused a sign-in; the login view words each one for the user."""

    BAD_CREDENTIALS = "bad_credentials"
    UNKNOWN_DOMAIN = "unknown_domain"
    NO_PROJECTS = "no_projects"


@dataclass(frozen=True)
class Login:
    user: User
    keystone: KeystoneSession


def throttle_key(request: HttpRequest | None, credentials: dict[str, Any]) -> str:
    """The name failed sign-ins are counted under (with the address): domain and user name."""
    domain = (credentials.get("domain") or "").strip().lower()
    return f"{domain}/{(credentials.get('username') or '').strip().lower()}"


def _choose_project(projects: list[identity.Project], last_project_id: str) -> identity.Project:
    """The project the user used last, when they still have it; else the first by name."""
    return next((p for p in projects if p.id == last_project_id), projects[0])


def keystone_login(*, username: str, password: str, domain: str) -> Login | LoginFailure:
    """Sign in with Keystone; raises CloudError when Keystone cannot be asked at all."""
    try:
        unscoped = identity.password_login(username=username, password=password, domain=domain)
    except CloudUnauthorized:
        return _why_unauthorized(domain)
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


def _why_unauthorized(domain: str) -> LoginFailure:
    # Keystone answers 401 alike for a wrong password and an unknown domain; the service account
    # tells the two apart. Whether the user exists is never revealed.
    try:
        exists = identity.domain_exists(name=domain)
    except CloudError as exc:
        log.warning("login.domain_lookup_failed", domain=domain, error=str(exc))
        exists = True
    return LoginFailure.BAD_CREDENTIALS if exists else LoginFailure.UNKNOWN_DOMAIN


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
        return User.objects.filter(pk=user_id).first()
