"""The dashboard's record of a Keystone user; Keystone keeps the password and the roles."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from dashboard.mirror.models import MirrorModel


class UserManager(BaseUserManager["User"]):
    def upsert_from_keystone(self, *, keystone_id: str, name: str, domain_name: str) -> "User":
        """The local row for a Keystone user, created at first sign-in, renamed as Keystone is."""
        user, created = self.get_or_create(
            keystone_id=keystone_id, defaults={"name": name, "domain_name": domain_name}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif (user.name, user.domain_name) != (name, domain_name):
            user.name, user.domain_name = name, domain_name
            user.save(update_fields=["name", "domain_name"])
        return user


PAGE_SIZES = (10, 25, 50, 100)
# The lists' own default (dashboard.web.generic.PAGE_SIZE).
DEFAULT_PAGE_SIZE = 25


class Language(models.TextChoices):
    """The user's language; blank follows the browser (its Accept-Language, or the language
    chosen on the sign-in page). Each language is named in itself."""

    BROWSER = "", _("From the browser")
    ENGLISH = "en", "English"
    CHINESE_SIMPLIFIED = "zh-hans", "简体中文"


class Theme(models.TextChoices):
    """Bootstrap's colour mode (`data-bs-theme`); `auto` follows the system's
    (static/js/theme.js)."""

    AUTO = "auto", _("Follow the system")
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


class User(AbstractBaseUser):
    """A Keystone user who has signed in; authentication is Keystone's, never a local password.
    The user's own settings (language, time zone, page size, theme) are kept here, across
    sessions; `tenants.middleware.UserSettingsMiddleware` applies them to every request."""

    keystone_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    domain_name = models.CharField(max_length=255)
    last_project_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(
        _("language"), max_length=16, blank=True, choices=Language.choices, default=Language.BROWSER
    )
    # An IANA name (zoneinfo.available_timezones()), checked by the settings form.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    page_size = models.PositiveSmallIntegerField(
        _("page size"),
        choices=[(size, str(size)) for size in PAGE_SIZES],
        default=DEFAULT_PAGE_SIZE,
    )
    theme = models.CharField(_("theme"), max_length=8, choices=Theme.choices, default=Theme.AUTO)

    USERNAME_FIELD = "keystone_id"

    objects = UserManager()

    def __str__(self) -> str:
        return f"{self.name} ({self.domain_name})"


class Project(MirrorModel):
    """A Keystone project (mirror); `project_id` is the project's own id, so every mirror table
    can be filtered by `project_id` alike."""

    domain_id = models.CharField(max_length=64, blank=True)
    parent_id = models.CharField(max_length=64, blank=True)
    enabled = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    # Keystone's tags (a trial project is tagged `trial`, see `Trial`).
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]


class Quota(MirrorModel):
    """One quota of one project: its limit (-1 = unlimited), what is in use and what is reserved.

    Quotas have no OpenStack id; the id is `"<project_id>:<service>:<resource>"`, the resource
    named as its service's API names it (Nova `cores`, Neutron `floatingip`).
    """

    class Service(models.TextChoices):
        COMPUTE = "compute", _("Compute")
        NETWORK = "network", _("Network")

    id = models.CharField(primary_key=True, max_length=160)
    service = models.CharField(max_length=16, choices=Service.choices)
    resource = models.CharField(max_length=64)
    limit = models.BigIntegerField()
    in_use = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["project_id", "service", "resource"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_id", "service", "resource"], name="quota_unique_per_project"
            )
        ]


class QuotaDefault(MirrorModel):
    """The limit every project gets for one resource unless it has its own: Nova's quota class
    `default` (or Keystone's registered limits under unified limits), Neutron's [quotas] options.

    The id is `"<service>:<resource>"`; `project_id` stays blank: defaults belong to no project.
    """

    id = models.CharField(primary_key=True, max_length=96)
    service = models.CharField(max_length=16, choices=Quota.Service.choices)
    resource = models.CharField(max_length=64)
    limit = models.BigIntegerField()

    class Meta:
        ordering = ["service", "resource"]


# ---- the try-out cloud's lifecycle --------------------------------------------------------------
# Sign-up and approval, invitations, trial lifetimes and their extension, quota requests: the
# dashboard's own tables (not mirrors). Keystone stays the record of projects, users and roles;
# these keep what Keystone has no place for (an application, a reason, a decision).


class Application(models.Model):
    """Someone's request for a trial project, from the public sign-up page (or an invitation)."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Email not verified")
        PENDING = "pending", _("Waiting for approval")
        APPROVING = "approving", _("Being set up")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Set-up failed")

    # An application still on its way: one per email at a time.
    OPEN = (Status.UNVERIFIED, Status.PENDING, Status.APPROVING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("email"), db_index=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    purpose = models.TextField(_("what you want to try"), blank=True)
    language = models.CharField(
        _("language"), max_length=16, choices=Language.choices[1:], default=Language.ENGLISH
    )
    # The Keystone user name to create (the email unless it is taken).
    username = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNVERIFIED)
    # Why it was rejected (told to the applicant), or why set-up failed.
    reason = models.TextField(blank=True)
    auto_approved = models.BooleanField(default=False)
    decided_by = models.CharField(max_length=255, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    invitation = models.ForeignKey(
        "Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Keystone's ids once the approval made them.
    project_id = models.CharField(max_length=64, blank=True)
    user_id = models.CharField(max_length=64, blank=True)
    operation_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status__in=["unverified", "pending", "approving"]),
                name="one_open_application_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Invitation(models.Model):
    """A project member's invitation of a colleague: the invitee signs up straight into the
    project with the role chosen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project_id = models.CharField(max_length=64, db_index=True)
    project_name = models.CharField(max_length=255)
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=64)
    language = models.CharField(
        _("language"), max_length=16, choices=Language.choices[1:], default=Language.ENGLISH
    )
    invited_by_user_id = models.CharField(max_length=64)
    invited_by_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.project_name}"


class OneTimeLink(models.Model):
    """A single-use, expiring link mailed to someone: only the SHA-256 of its secret is kept."""

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", _("Verify the email address")
        SET_PASSWORD = "set_password", _("Choose a password")
        INVITATION = "invitation", _("Accept an invitation")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    # The Keystone user a set-password link is for.
    user_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} link until {self.expires_at:%Y-%m-%d %H:%M}"


class SignUpPolicy(models.Model):
    """The admin's automatic approval rules (one row): verified applications from these email
    domains are approved without waiting, at most `daily_cap` a day (0: none automatically)."""

    auto_approve_domains = models.TextField(_("email domains approved automatically"), blank=True)
    daily_cap = models.PositiveIntegerField(_("at most this many a day"), default=0)
    updated_by = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "sign-up policy"

    @classmethod
    def current(cls) -> "SignUpPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Trial(models.Model):
    """A trial project's lifetime. Keystone's project carries the record too (tag `trial`, its
    end in a tag `trial-ends:<ISO time>`); this row is what pages and the clean-up read."""

    project_id = models.CharField(max_length=64, primary_key=True)
    project_name = models.CharField(max_length=255)
    # Who is warned and in which language: the applicant (and members invited later).
    owner_email = models.EmailField(blank=True)
    owner_language = models.CharField(max_length=16, default=Language.ENGLISH)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # None: no lifetime (the project is kept until an admin removes it).
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the clean-up removed its resources and disabled the project.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ends_at"]

    def __str__(self) -> str:
        return self.project_name


class ExpiryWarning(models.Model):
    """That the people of a trial were warned of one coming removal (so each is warned once):
    the project's end (`resource_type` "project") or one expiring resource."""

    project_id = models.CharField(max_length=64, db_index=True)
    resource_type = models.CharField(max_length=32)
    resource_id = models.CharField(max_length=64)
    removal_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "resource_id", "removal_at"],
                name="one_warning_per_removal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.resource_id} at {self.removal_at:%Y-%m-%d %H:%M}"


class Request(models.Model):
    """What a tenant asks an admin for (a longer trial, more quota), and the decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVING = "approving", _("Being applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project_id = models.CharField(max_length=64, db_index=True)
    project_name = models.CharField(max_length=255)
    requested_by_user_id = models.CharField(max_length=64)
    requested_by_name = models.CharField(max_length=255)
    # Where the answer is mailed, and in which language.
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=16, default=Language.ENGLISH)
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.CharField(max_length=255, blank=True)
    decision_reason = models.TextField(blank=True)
    auto_approved = models.BooleanField(default=False)
    operation_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class ExtensionRequest(Request):
    """A tenant's request for a longer trial: `days` more."""

    days = models.PositiveIntegerField(_("days"))

    class Meta(Request.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["project_id"],
                condition=models.Q(status__in=["pending", "approving"]),
                name="one_open_extension_request_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.days} more days for {self.project_name}"


class QuotaRequest(Request):
    """A tenant's request for more quota: `values` maps "<service>:<resource>" (Nova `cores`,
    Neutron `floatingip`, as `Quota` names them) to the limit wanted; `current` keeps the use and
    limits the tenant saw when asking ({"compute:cores": {"limit": 6, "in_use": 4}})."""

    values = models.JSONField()
    current = models.JSONField(default=dict)

    class Meta(Request.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["project_id"],
                condition=models.Q(status__in=["pending", "approving"]),
                name="one_open_quota_request_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"more quota for {self.project_name}"
