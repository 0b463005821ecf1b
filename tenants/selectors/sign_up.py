"""Reads for sign-up: open applications, the administrators' queue, and whether an email
already belongs to a Keystone user (read with the dashboard's service account)."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import translated
from dashboard.cloud.identity import KEYSTONE, identity_proxy
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from tenants.models import Application, SignUpPolicy

Status = Application.Status


def open_application(*, email: str) -> Application | None:
    """The application of `email` still on its way (unverified, pending, being set up)."""
    return Application.objects.filter(email__iexact=email, status__in=Application.OPEN).first()


def keystone_user_with_email(*, email: str) -> Any | None:
    """The Keystone user named `email` or whose email attribute is `email` (case-insensitive),
    in any domain, or None. Keystone ignores an `email` filter on its user list, so every user
    is compared. Raises CloudError."""
    wanted = email.strip().lower()
    identity = identity_proxy(service_connection())
    with translated(doing=Message(gettext_noop("look up existing users")), service=KEYSTONE):
        for user in identity.users():
            email_attribute = str(getattr(user, "email", "") or "").lower()
            if wanted in (str(user.name).lower(), email_attribute):
                return user
    return None


def application_list(*, status: str = "", search: str = "") -> QuerySet[Application]:
    """Verified applications (the queue), waiting first then newest; `status` and a `search` of
    name, email or organisation narrow it."""
    rows = Application.objects.exclude(status=Status.UNVERIFIED)
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__icontains=search)
        )
    return rows.order_by("-verified_at", "-created_at")


def application_get(*, pk: UUID | str) -> Application | None:
    return Application.objects.filter(pk=pk).first()


def application_operation(*, application: Application) -> Operation | None:
    """The operation that set the application's trial up (the latest attempt)."""
    if application.operation_id is None:
        return None
    return Operation.objects.filter(pk=application.operation_id).first()


def auto_approved_today() -> int:
    """How many applications were approved automatically in the last 24 hours."""
    since = timezone.now() - timedelta(days=1)
    return Application.objects.filter(auto_approved=True, decided_at__gte=since).count()


def policy_domains(*, policy: SignUpPolicy) -> set[str]:
    """The policy's email domains, lower case (written one per line or separated by commas)."""
    return {
        domain.strip().lstrip("@").lower()
        for domain in policy.auto_approve_domains.replace(",", " ").split()
        if domain.strip()
    }
