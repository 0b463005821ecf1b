"""The dashboard's record of a Keystone user; Keystone keeps the password and the roles."""

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
