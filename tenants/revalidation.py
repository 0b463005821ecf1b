"""Re-validating a signed-in session's project token with Keystone, so that a revoked token, a
disabled user or a removed role ends access within `KEYSTONE_REVALIDATE_INTERVAL`.

Keystone is asked at most once per interval per token (the answer is cached by the token's hash,
never the token), so most pages cost no Keystone call; a process that read or wrote the answer
keeps it until the interval ends, so they cost no Redis round trip either. Keystone recomputes a
token's roles when it validates it: a removed role shows as fewer roles, and no role left as an
invalid token.
"""

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

import structlog
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from dashboard.cloud import identity
from dashboard.cloud.errors import CloudError
from tenants.session import KeystoneSession

log = structlog.get_logger(__name__)

CACHE_PREFIX = "dashboard:keystone-check:"


class SignOut(StrEnum):
    """Why a session ended; `message()` tells the user on the sign-in page."""

    EXPIRED = "expired"
    LAPSED = "lapsed"
    REVOKED = "revoked"
    DISABLED = "disabled"
    ROLE_REMOVED = "role_removed"
    UNCONFIRMED = "unconfirmed"

    def message(self, *, project_name: str) -> str:
        return SIGN_OUT_MESSAGES[self] % {
            "project": project_name,
            "minutes": int(settings.KEYSTONE_REVALIDATE_GRACE.total_seconds() // 60),
        }


SIGN_OUT_MESSAGES = {
    SignOut.EXPIRED: _(
        "Your session has ended because its Keystone token expired. Please sign in again."
    ),
    SignOut.LAPSED: _(
        "Your session has ended: sessions end shortly before their Keystone token expires. "
        "Please sign in again."
    ),
    SignOut.REVOKED: _(
        "You were signed out because your Keystone token was revoked (you signed out elsewhere, "
        "or an administrator revoked it). Please sign in again."
    ),
    SignOut.DISABLED: _(
        "You were signed out because your Keystone account is disabled. Ask your cloud "
        "administrator to enable it."
    ),
    SignOut.ROLE_REMOVED: _(
        "You were signed out because you no longer have a role on project “%(project)s”. Sign in "
        "again to work in another of your projects, or ask your cloud administrator for access."
    ),
    SignOut.UNCONFIRMED: _(
        "You were signed out because Keystone could not confirm your access for %(minutes)s "
        "minutes. Sign in again once the cloud answers."
    ),
}


@dataclass(frozen=True)
class Revalidation:
    """The outcome: `sign_out` says why the session ends; else `roles` are Keystone's current
    roles on the project (None: not asked this time)."""

    sign_out: SignOut | None = None
    roles: list[str] | None = None


def _cache_key(token: str) -> str:
    return CACHE_PREFIX + hashlib.sha256(token.encode()).hexdigest()


class _SeenChecks:
    """The checks this process read or wrote, by cache key: until a check's `next_at` the cache
    can only say the same (Keystone is not asked before it), so the page needs no Redis round
    trip. The oldest go past `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._checks: OrderedDict[str, dict[str, float]] = OrderedDict()

    def due(self, key: str, now: float) -> bool:
        """Whether the token may need asking about: no check seen, or its interval is over."""
        check = self._checks.get(key)
        return check is None or now >= check["next_at"]

    def saw(self, key: str, check: dict[str, float] | None) -> None:
        self._checks.pop(key, None)
        if check is not None:
            self._checks[key] = check
            while len(self._checks) > self.size:
                self._checks.popitem(last=False)


_seen = _SeenChecks(size=10_000)


def _remember(token: str, *, confirmed_at: float, now: float) -> None:
    """Record when Keystone last confirmed the token; ask again after one interval."""
    interval = settings.KEYSTONE_REVALIDATE_INTERVAL.total_seconds()
    grace = settings.KEYSTONE_REVALIDATE_GRACE.total_seconds()
    check = {"confirmed_at": confirmed_at, "next_at": now + interval}
    cache.set(_cache_key(token), check, timeout=int(grace + interval) + 1)
    _seen.saw(_cache_key(token), check)


def token_confirmed(*, token: str) -> None:
    """Keystone has just issued or confirmed `token`: no need to ask for one interval."""
    now = time.time()
    _remember(token, confirmed_at=now, now=now)


def _why_refused(keystone: KeystoneSession) -> SignOut:
    """Keystone no longer accepts the token: find out why, to tell the user."""
    try:
        if not identity.user_enabled(user_id=keystone.user_id):
            return SignOut.DISABLED
        if not identity.user_has_project_role(
            user_id=keystone.user_id, project_id=keystone.project_id
        ):
            return SignOut.ROLE_REMOVED
    except CloudError as exc:
        log.warning("session.refusal_reason_unknown", error=str(exc))
    return SignOut.REVOKED


def session_revalidate(*, keystone: KeystoneSession) -> Revalidation:
    """Whether the session's access still stands, asking Keystone when the last answer is older
    than the interval. While Keystone cannot be asked, the session is kept for up to
    KEYSTONE_REVALIDATE_GRACE after its last confirmation (or the first failed check)."""
    if keystone.has_ended():
        return Revalidation(sign_out=SignOut.EXPIRED)
    now = time.time()
    key = _cache_key(keystone.token)
    if not _seen.due(key, now):
        return Revalidation()
    check = cache.get(key)
    _seen.saw(key, check)
    if check is not None and now < check["next_at"]:
        return Revalidation()
    try:
        current = identity.validate_token(token=keystone.token)
    except CloudError as exc:
        confirmed_at = check["confirmed_at"] if check is not None else now
        if now - confirmed_at > settings.KEYSTONE_REVALIDATE_GRACE.total_seconds():
            return Revalidation(sign_out=SignOut.UNCONFIRMED)
        log.warning("session.revalidation_postponed", error=str(exc), user=keystone.user_name)
        _remember(keystone.token, confirmed_at=confirmed_at, now=now)
        return Revalidation()
    if current is None:
        cache.delete(key)
        _seen.saw(key, None)
        return Revalidation(sign_out=_why_refused(keystone))
    _remember(keystone.token, confirmed_at=now, now=now)
    return Revalidation(roles=list(current.roles))
