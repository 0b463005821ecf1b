"""What a signed-in user's server-side session holds about Keystone.

Tokens are kept only here, in the session store on the server, encrypted
(`dashboard.token_encryption`); the browser holds the session id. They never show in a repr.
Views reach this through `request.keystone` (set by `KeystoneSessionMiddleware`); this app's
own views, which need more of it than the core's `CloudSession`, through `request_keystone`.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from dashboard.cloud.identity import Endpoint, Project, Token
from dashboard.sessions import request_session
from dashboard.token_encryption import token_decrypt, token_encrypt

SESSION_KEY = "keystone"
TOKEN_FIELDS = ("token", "unscoped_token")
ADMIN_ROLE = "admin"


@dataclass
class KeystoneSession:
    """The user's unscoped token (for switching projects) and the current project's token."""

    user_id: str
    user_name: str
    domain_name: str
    unscoped_token: str = field(repr=False)
    unscoped_expires_at: datetime
    token: str = field(repr=False)
    expires_at: datetime
    project_id: str
    project_name: str
    project_domain_id: str
    roles: list[str]
    projects: list[dict[str, str]]
    catalog: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_tokens(
        cls, *, unscoped: Token, scoped: Token, projects: list[Project]
    ) -> "KeystoneSession":
        return cls(
            user_id=unscoped.user_id,
            user_name=unscoped.user_name,
            domain_name=unscoped.user_domain_name,
            unscoped_token=unscoped.token,
            unscoped_expires_at=unscoped.expires_at,
            token="",
            expires_at=unscoped.expires_at,
            project_id="",
            project_name="",
            project_domain_id="",
            roles=[],
            projects=[{"id": p.id, "name": p.name} for p in projects],
        ).with_project(scoped)

    def with_project(self, scoped: Token) -> "KeystoneSession":
        """This session switched to the project of the scoped token."""
        self.token = scoped.token
        self.expires_at = scoped.expires_at
        self.project_id = scoped.project_id or ""
        self.project_name = scoped.project_name or ""
        self.project_domain_id = scoped.project_domain_id or ""
        self.roles = list(scoped.roles)
        self.catalog = [asdict(endpoint) for endpoint in scoped.catalog]
        return self

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles

    @property
    def ends_at(self) -> datetime:
        """When the session must end: a little before the project token expires."""
        return self.expires_at - settings.KEYSTONE_TOKEN_EXPIRY_MARGIN

    def has_ended(self) -> bool:
        return datetime.now(UTC) >= self.ends_at

    def has_project(self, project_id: str) -> bool:
        return any(project["id"] == project_id for project in self.projects)

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(**endpoint) for endpoint in self.catalog]

    def save(self, session: SessionBase) -> None:
        """Store in the Django session, which then expires with the token."""
        data: dict[str, Any] = asdict(self)
        data["expires_at"] = self.expires_at.isoformat()
        data["unscoped_expires_at"] = self.unscoped_expires_at.isoformat()
        for name in TOKEN_FIELDS:
            data[name] = token_encrypt(data[name])
        session[SESSION_KEY] = data
        session.set_expiry(self.ends_at)

    @classmethod
    def load(cls, session: SessionBase) -> "KeystoneSession | None":
        """The stored session; None when there is none, or its tokens cannot be decrypted (their
        encryption key was retired)."""
        data = session.get(SESSION_KEY)
        if not data:
            return None
        tokens = {name: token_decrypt(data[name]) for name in TOKEN_FIELDS}
        if None in tokens.values():
            return None
        return cls(
            **{
                **data,
                **tokens,
                "expires_at": datetime.fromisoformat(data["expires_at"]),
                "unscoped_expires_at": datetime.fromisoformat(data["unscoped_expires_at"]),
            }
        )


def request_keystone(request: HttpRequest) -> KeystoneSession:
    """The signed-in user's KeystoneSession on the request; 403 when nobody is signed in."""
    keystone = request_session(request)
    assert isinstance(keystone, KeystoneSession), "KeystoneSessionMiddleware sets a KeystoneSession"
    return keystone
