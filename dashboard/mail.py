"""Email through SMTP with Django's backend, written in the recipient's language.

A mail is a pair of templates, `<name>_subject.txt` (one line) and `<name>.txt` (the body),
rendered with the recipient's language active; links in it are absolute (`absolute_url`).
"""

from collections.abc import Mapping
from smtplib import SMTPException
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

log = structlog.get_logger(__name__)


def absolute_url(path: str) -> str:
    """`path` (as `reverse` gives it) as a link a mail reader can follow (settings.SITE_URL)."""
    return f"{settings.SITE_URL}{path}"


def mail_send(
    *, to: str, language: str, template: str, context: Mapping[str, Any] | None = None
) -> None:
    """Render `template` in `language` and send it to `to` now; raises the backend's error
    (SMTPException, OSError) when the mail server refuses it or does not answer."""
    values = {"site_url": settings.SITE_URL, **(context or {})}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
        body = render_to_string(f"{template}.txt", values)
    EmailMessage(subject=subject, body=body, to=[to]).send()
    log.info("mail.sent", template=template)


def mail_try(
    *, to: str, language: str, template: str, context: Mapping[str, Any] | None = None
) -> bool:
    """`mail_send`, for a mail that is no part of the change it tells of: False (logged) when
    the mail server fails."""
    try:
        mail_send(to=to, language=language, template=template, context=context)
    except (SMTPException, OSError) as exc:
        log.warning("mail.failed", template=template, error=str(exc))
        return False
    return True
