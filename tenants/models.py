"""The dashboard's record of a Keystone user; Keystone keeps the password and the roles."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models


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


class User(AbstractBaseUser):
    """A Keystone user who has signed in; authentication is Keystone's, never a local password."""

    keystone_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    domain_name = models.CharField(max_length=255)
    last_project_id = models.CharField(max_length=64, blank=True)

    USERNAME_FIELD = "keystone_id"

    objects = UserManager()

    def __str__(self) -> str:
        return f"{self.name} ({self.domain_name})"
