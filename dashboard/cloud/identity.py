"""Keystone sign-in: password to an unscoped token, the user's projects, project-scoped tokens.

Tokens returned here are handed to the caller to keep server-side; nothing here logs them.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from keystoneauth1 import exceptions as ksa_exceptions
from keystoneauth1.access import AccessInfoV3
from keystoneauth1.identity import v3
from keystoneauth1.identity.base import BaseIdentityPlugin
from openstack.connection import Connection
from openstack.identity.v3._proxy import Proxy as IdentityProxy

from dashboard.cloud.connection import keystone_session, service_connection
from dashboard.cloud.errors import CloudError, translated
from dashboard.i18n import Message, gettext_noop

KEYSTONE = "Keystone"


@dataclass(frozen=True)
class Endpoint:
    """One URL of the service catalog."""

    service_type: str
    service_name: str
    interface: str
    region: str
    url: str


@dataclass(frozen=True)
class Token:
    """A Keystone token and what Keystone said about it. Unscoped when `project_id` is None."""

    token: str = field(repr=False)
    expires_at: datetime
    user_id: str
    user_name: str
    user_domain_id: str
    user_domain_name: str
    project_id: str | None = None
    project_name: str | None = None
    project_domain_id: str | None = None
    roles: tuple[str, ...] = ()
    catalog: tuple[Endpoint, ...] = ()


@dataclass(frozen=True)
class Project:
    """A project the user has a role on."""

    id: str
    name: str
    domain_id: str


def _catalog(access: AccessInfoV3) -> tuple[Endpoint, ...]:
    raw: list[dict[str, Any]] = access.service_catalog.catalog or []
    return tuple(
        Endpoint(
            service_type=service.get("type", ""),
            service_name=service.get("name", ""),
            interface=endpoint.get("interface", ""),
            region=endpoint.get("region_id") or endpoint.get("region") or "",
            url=endpoint.get("url", ""),
        )
        for service in raw
        for endpoint in service.get("endpoints", [])
    )


def _token(access: AccessInfoV3) -> Token:
    if access.auth_token is None or access.expires is None or access.user_id is None:
        raise CloudError(
            Message(
                gettext_noop("Keystone answered without a complete token. Try signing in again.")
            )
        )
    return Token(
        token=access.auth_token,
        expires_at=access.expires,
        user_id=access.user_id,
        user_name=access.username or "",
        user_domain_id=access.user_domain_id or "",
        user_domain_name=access.user_domain_name or "",
        project_id=access.project_id,
        project_name=access.project_name,
        project_domain_id=access.project_domain_id,
        roles=tuple(sorted(access.role_names or ())),
        catalog=_catalog(access),
    )


def password_login(*, username: str, password: str, domain: str) -> Token:
    """An unscoped token for the user; raises CloudUnauthorized on wrong credentials."""
    auth = v3.Password(
        auth_url=settings.OPENSTACK_AUTH_URL,
        username=username,
        password=password,
        user_domain_name=domain,
        unscoped=True,
    )
    with translated(doing=gettext_noop("sign you in"), service=KEYSTONE):
        access = auth.get_access(keystone_session())
    assert isinstance(access, AccessInfoV3)
    return _token(access)


def _identity_url(path: str) -> str:
    return f"{settings.OPENSTACK_AUTH_URL.rstrip('/')}/{path}"


def user_projects(*, token: str) -> list[Project]:
    """The enabled projects the token's user may scope to, sorted by name."""
    # An unscoped token has no service catalog, so Keystone is addressed by its auth URL.
    with translated(doing=gettext_noop("list your projects"), service=KEYSTONE):
        response = keystone_session().get(
            _identity_url("auth/projects"), headers={"X-Auth-Token": token}
        )
    projects = [
        Project(id=item["id"], name=item["name"], domain_id=item.get("domain_id", ""))
        for item in response.json().get("projects", [])
        if item.get("enabled", True)
    ]
    return sorted(projects, key=lambda project: project.name.lower())


def scoped_token(*, token: str, project_id: str) -> Token:
    """A token for `project_id`, obtained with the user's (unscoped) token."""
    auth = v3.Token(auth_url=settings.OPENSTACK_AUTH_URL, token=token, project_id=project_id)
    with translated(doing=gettext_noop("open the project"), service=KEYSTONE):
        access = auth.get_access(keystone_session())
    assert isinstance(access, AccessInfoV3)
    return _token(access)


def revoke_token(*, token: str) -> None:
    """Revoke the token with itself (users may revoke their own); an expired one is no error."""
    with translated(doing=gettext_noop("revoke your token"), service=KEYSTONE):
        response = keystone_session().delete(
            _identity_url("auth/tokens"),
            headers={"X-Auth-Token": token, "X-Subject-Token": token},
            raise_exc=False,
        )
        # 401/404: Keystone no longer accepts the token (expired or already revoked): goal met.
        if response.status_code >= 400 and response.status_code not in (401, 404):
            raise ksa_exceptions.from_response(response, "DELETE", response.url)


def _service_get(path: str, **kwargs: Any) -> Any:
    """GET from Keystone with the service account; the response, whatever its status."""
    return service_connection().session.get(
        _identity_url(path),
        timeout=(settings.OPENSTACK_CONNECT_TIMEOUT, settings.KEYSTONE_VALIDATE_READ_TIMEOUT),
        raise_exc=False,
        **kwargs,
    )


def _raise_for_error(response: Any) -> None:
    if response.status_code >= 400:
        raise ksa_exceptions.from_response(response, "GET", response.url)


def validate_token(*, token: str) -> Token | None:
    """The token as Keystone sees it now, roles re-read (asked with the service account); None
    when Keystone no longer accepts it: revoked, expired, its user disabled or deleted, or no
    role left on its project."""
    with translated(doing=gettext_noop("check your access"), service=KEYSTONE):
        response = _service_get(
            "auth/tokens", params={"nocatalog": "1"}, headers={"X-Subject-Token": token}
        )
        if response.status_code == 404:
            return None
        _raise_for_error(response)
    return _token(AccessInfoV3(response.json(), auth_token=token))


def user_enabled(*, user_id: str) -> bool:
    """Whether the user exists and is enabled (asked with the service account)."""
    with translated(doing=gettext_noop("look up your account"), service=KEYSTONE):
        response = _service_get(f"users/{user_id}")
        if response.status_code == 404:
            return False
        _raise_for_error(response)
    return bool(response.json()["user"].get("enabled", True))


def user_has_project_role(*, user_id: str, project_id: str) -> bool:
    """Whether the user has any role on the project, directly or through a group."""
    with translated(doing=gettext_noop("look up your roles"), service=KEYSTONE):
        response = _service_get(
            "role_assignments",
            params={"user.id": user_id, "scope.project.id": project_id, "effective": "1"},
        )
        _raise_for_error(response)
    return bool(response.json().get("role_assignments"))


def identity_proxy(conn: Connection) -> IdentityProxy:
    """The connection's Keystone v3 proxy: openstacksdk types `conn.identity` as v2 or v3, and
    every connection here authenticates with v3 (limits and registered limits are v3 only)."""
    proxy = conn.identity
    assert isinstance(proxy, IdentityProxy), "connections authenticate with Keystone v3"
    return proxy


def catalog_service_id(conn: Connection, service_type: str) -> str | None:
    """Keystone's id of the service of `service_type` in the catalog of the connection's token
    (read with the token: no call of its own), or None when the catalog has none."""
    auth = conn.session.auth
    if not isinstance(auth, BaseIdentityPlugin):  # no Keystone token, no catalog
        return None
    with translated(doing=gettext_noop("read the service catalog"), service=KEYSTONE):
        access = auth.get_access(conn.session)
    for service in access.service_catalog.catalog or []:
        if service.get("type") == service_type and service.get("id"):
            return str(service["id"])
    return None


def trial_account_configured() -> bool:
    """Whether the try-out cloud's own account is configured (settings.TRIAL_ACCOUNT_*)."""
    return bool(settings.TRIAL_ACCOUNT_USERNAME and settings.TRIAL_ACCOUNT_PASSWORD)


def trial_account_token() -> Token:
    """A project-scoped token of the try-out cloud's own account (settings.TRIAL_ACCOUNT_*).

    Only ever handed to `operation_start` as the actor of an operation, so every use of the
    account is an operation on the record; raises CloudError when Keystone refuses it.
    """
    auth = v3.Password(
        auth_url=settings.OPENSTACK_AUTH_URL,
        username=settings.TRIAL_ACCOUNT_USERNAME,
        password=settings.TRIAL_ACCOUNT_PASSWORD,
        user_domain_name=settings.TRIAL_ACCOUNT_USER_DOMAIN_NAME,
        project_name=settings.TRIAL_ACCOUNT_PROJECT_NAME,
        project_domain_name=settings.TRIAL_ACCOUNT_PROJECT_DOMAIN_NAME,
    )
    with translated(doing=gettext_noop("sign in as the try-out cloud's account"), service=KEYSTONE):
        access = auth.get_access(keystone_session())
    assert isinstance(access, AccessInfoV3)
    return _token(access)


def user_email(*, user_id: str) -> str:
    """The user's email as Keystone keeps it (the user's `email` attribute; asked with the
    service account); "" when it has none or Keystone cannot tell now."""
    try:
        with translated(doing=gettext_noop("look up your account"), service=KEYSTONE):
            response = _service_get(f"users/{user_id}")
    except CloudError:
        return ""
    if response.status_code >= 400:
        return ""
    return str(response.json().get("user", {}).get("email") or "")
