"""Single-use, expiring links mailed to people (verify an email, choose a password, accept an
invitation). The secret travels only in the mail; the database keeps its SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard.mail import absolute_url
from tenants.models import Application, Invitation, OneTimeLink

Purpose = OneTimeLink.Purpose


class LinkInvalid(Exception):
    """A link that cannot be used (unknown, used, expired); the message says what to do."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def link_issue(
    *,
    purpose: str,
    lifetime: timedelta,
    application: Application | None = None,
    invitation: Invitation | None = None,
    user_id: str = "",
) -> str:
    """A new link's absolute URL (`tenants:link` with its secret); earlier unused links of the
    same purpose and object stop working."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        OneTimeLink.objects.filter(
            purpose=purpose,
            application=application,
            invitation=invitation,
            user_id=user_id,
            used_at__isnull=True,
        ).update(expires_at=timezone.now())
        OneTimeLink.objects.create(
            purpose=purpose,
            secret_hash=_digest(secret),
            application=application,
            invitation=invitation,
            user_id=user_id,
            expires_at=timezone.now() + lifetime,
        )
    return absolute_url(reverse("tenants:link", kwargs={"secret": secret}))


def link_find(*, secret: str) -> OneTimeLink:
    """The usable link with this secret; raises LinkInvalid with what to do instead."""
    link = OneTimeLink.objects.filter(secret_hash=_digest(secret)).first()
    if link is None:
        raise LinkInvalid(
            _("This link is not valid. Check that you opened the whole link from the mail.")
        )
    if link.used_at is not None:
        raise LinkInvalid(
            _("This link was already used; each link works once. Sign in, or ask for a new one.")
        )
    if link.expires_at <= timezone.now():
        raise LinkInvalid(_("This link has expired. Ask for a new one."))
    return link


def link_use(*, link: OneTimeLink) -> bool:
    """Mark the link used; False when another request used it first (it works once)."""
    return bool(
        OneTimeLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    )
