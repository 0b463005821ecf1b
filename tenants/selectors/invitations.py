"""Reads for a project's members page and its invitations.

Members are read from Keystone's role assignments with the dashboard's service account (a read,
never a write), always for one project; invitations from the dashboard's own table, always scoped
to the session's project.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import translated
from dashboard.cloud.identity import KEYSTONE, identity_proxy
from dashboard.i18n import Message, gettext_noop
from tenants.models import Invitation


@dataclass
class Member:
    """A user with at least one role on the project (directly or through a group)."""

    user_id: str
    name: str
    roles: list[str] = field(default_factory=list)
    email: str = ""


def project_member_list(*, project_id: str, with_emails: bool = False) -> list[Member]:
    """The project's users and their effective roles (implied roles included), sorted by name;
    `with_emails` also reads each member's email (one Keystone read per member). Raises
    CloudError."""
    conn = service_connection()
    identity = identity_proxy(conn)
    doing = Message(gettext_noop("read the members of the project"))
    members: dict[str, Member] = {}
    with translated(doing=doing, service=KEYSTONE):
        for assignment in identity.role_assignments(
            scope_project_id=project_id, include_names=True, effective=True
        ):
            user: dict[str, Any] = assignment.user or {}
            role: dict[str, Any] = assignment.role or {}
            if not user.get("id"):
                continue
            member = members.setdefault(
                user["id"], Member(user_id=user["id"], name=user.get("name", ""))
            )
            if role.get("name") and role["name"] not in member.roles:
                member.roles.append(role["name"])
        if with_emails:
            for member in members.values():
                found = identity.find_user(member.user_id, ignore_missing=True)
                member.email = str(getattr(found, "email", "") or "") if found else ""
    for member in members.values():
        member.roles.sort()
    return sorted(members.values(), key=lambda member: member.name.lower())


def project_member_with_email(*, project_id: str, email: str) -> Member | None:
    """The project's member whose user name or email is `email` (case-insensitive), or None.
    Raises CloudError."""
    wanted = email.strip().lower()
    for member in project_member_list(project_id=project_id, with_emails=True):
        if wanted in (member.name.lower(), member.email.lower()):
            return member
    return None


def keystone_user_named(*, name: str, domain_id: str) -> Any | None:
    """The Keystone user called `name` in the domain, or None (Keystone cannot filter users by
    email, and the dashboard names the users it makes after their email). Raises CloudError."""
    identity = identity_proxy(service_connection())
    with translated(doing=Message(gettext_noop("look up the user")), service=KEYSTONE):
        users = list(identity.users(name=name, domain_id=domain_id))
    return users[0] if users else None


def project_domain_id(*, project_id: str) -> str:
    """The Keystone domain of the project. Raises CloudError (CloudNotFound when it is gone)."""
    identity = identity_proxy(service_connection())
    with translated(doing=Message(gettext_noop("read the project")), service=KEYSTONE):
        return str(identity.get_project(project_id).domain_id)


def invitation_list(*, project_id: str) -> QuerySet[Invitation]:
    """The project's invitations, newest first."""
    return Invitation.objects.filter(project_id=project_id).prefetch_related("links")


def invitation_get(*, project_id: str, pk: Any) -> Invitation | None:
    """The project's invitation `pk`, or None (another project's is None too)."""
    return Invitation.objects.filter(project_id=project_id, pk=pk).first()


def invitation_pending(*, project_id: str, email: str) -> Invitation | None:
    """An invitation of `email` into the project still waiting: not accepted, not revoked, with
    a link that still works."""
    return (
        Invitation.objects.filter(
            project_id=project_id,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            links__used_at__isnull=True,
            links__expires_at__gt=timezone.now(),
        )
        .distinct()
        .first()
    )
