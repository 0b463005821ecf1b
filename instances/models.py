"""Mirror tables for Nova and Glance: servers, flavors (and who may use private ones), images,
key pairs, and the watermark of the incremental server reconcile.

Field names follow the Nova and Glance API references, `:` written as `_` and extension prefixes
dropped (`OS-EXT-STS:task_state` is `task_state`). Rows are written only by `instances.reconcile`.
"""

from collections.abc import Sequence
from typing import Self

from django.db import models

from dashboard.mirror.models import MirrorModel
from dashboard.mirror.scopes import SHARED, project_scope, user_scope


class Flavor(MirrorModel):
    """A Nova flavor. `project_id` is blank: flavors have no owner; private ones are granted to
    projects, one `FlavorAccess` row per grant."""

    # Nova's flavor ids are any string of up to 255 characters (`flavorid`), not only UUIDs.
    id = models.CharField(primary_key=True, max_length=255)
    vcpus = models.PositiveIntegerField()
    ram = models.PositiveIntegerField(help_text="MiB")
    disk = models.PositiveIntegerField(help_text="GiB")
    ephemeral = models.PositiveIntegerField(default=0, help_text="GiB")
    swap = models.PositiveIntegerField(default=0, help_text="MiB")
    is_public = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    extra_specs = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["vcpus", "ram", "disk", "name"]


class FlavorAccess(MirrorModel):
    """A project's access to a private flavor (Nova's `os-flavor-access`).

    The id is `"<flavor_id>:<project_id>"`, because the grant has no id of its own; `project_id`
    is the granted project, so a selector finds a project's private flavors by `project_id`.
    """

    id = models.CharField(primary_key=True, max_length=320)  # 255 + ":" + 64
    flavor = models.ForeignKey(
        Flavor,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="access",
    )

    class Meta:
        verbose_name_plural = "flavor access"


class Image(MirrorModel):
    """A Glance image; `project_id` is its `owner`."""

    status = models.CharField(max_length=32)
    visibility = models.CharField(max_length=32)
    os_hidden = models.BooleanField(default=False)
    protected = models.BooleanField(default=False)
    min_disk = models.PositiveIntegerField(default=0, help_text="GiB")
    min_ram = models.PositiveIntegerField(default=0, help_text="MiB")
    size = models.BigIntegerField(null=True, blank=True, help_text="bytes")
    disk_format = models.CharField(max_length=32, blank=True)
    container_format = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """Public and community images are seen by every project, shared ones by their members."""
        seen_by_all = any(row.visibility in ("public", "community") for row in rows)
        shared_ids = [row.pk for row in rows if row.visibility == "shared"]
        members = ImageMember.objects.filter(image_id__in=shared_ids).values_list(
            "project_id", flat=True
        )
        return (
            super().change_scopes(rows)
            | ({SHARED} if seen_by_all else set())
            | {project_scope(member) for member in (members if shared_ids else [])}
        )


class ImageMember(MirrorModel):
    """A project an image is shared with (Glance's image members; `visibility` "shared").

    The id is `"<image_id>:<project_id>"`, as a membership has no id of its own; `project_id` is
    the member project, and `status` its answer (pending, accepted, rejected): only accepted
    images are offered, as Glance lists them.
    """

    id = models.CharField(primary_key=True, max_length=160)
    image = models.ForeignKey(
        Image,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="members",
    )
    status = models.CharField(max_length=16)


class Server(MirrorModel):
    """A Nova server, as `GET /servers/detail` shows it at the pinned microversion (2.100).

    Since 2.47 Nova embeds the flavor's values instead of a link, so a server keeps the size it
    was built with even after its flavor is deleted; `flavor` holds that dict, and the fields
    pages sort and filter by are copied out of it.
    """

    status = models.CharField(max_length=32)
    task_state = models.CharField(max_length=64, blank=True)
    vm_state = models.CharField(max_length=32, blank=True)
    power_state = models.PositiveSmallIntegerField(null=True, blank=True)
    user_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    addresses = models.JSONField(default=dict, blank=True)
    flavor = models.JSONField(default=dict, blank=True)
    flavor_name = models.CharField(max_length=255, blank=True)
    vcpus = models.PositiveIntegerField(default=0)
    ram = models.PositiveIntegerField(default=0, help_text="MiB")
    disk = models.PositiveIntegerField(default=0, help_text="GiB")
    # Null for a server booted from a volume (Nova then reports `"image": ""`).
    image = models.ForeignKey(
        Image,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="servers",
    )
    key_name = models.CharField(max_length=255, blank=True)
    security_groups = models.JSONField(default=list, blank=True)
    availability_zone = models.CharField(max_length=255, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    fault = models.JSONField(null=True, blank=True)
    # `os-extended-volumes:volumes_attached`: [{"id": ..., "delete_on_termination": ...}].
    volumes_attached = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "name"]
        indexes = [models.Index(fields=["project_id", "status"])]


class KeyPair(MirrorModel):
    """A Nova key pair. Key pairs belong to a Keystone user, not to a project.

    Nova names a key pair by (user_id, name) and its API never shows another id, so the primary
    key is the natural key `"<user_id>:<name>"`: reconcile can compute it from a listing and
    upsert without a lookup, and a user's two key pairs with the same name cannot exist.
    `project_id` stays blank; selectors filter key pairs by `user_id`.
    """

    # Its pages' URLs are named `instances:keypair_<action>` (dashboard.web.permissions).
    url_noun = "keypair"

    id = models.CharField(primary_key=True, max_length=320)
    user_id = models.CharField(max_length=64, db_index=True)
    fingerprint = models.CharField(max_length=128, blank=True)
    type = models.CharField(max_length=16, default="ssh")
    public_key = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """A key pair is seen by its user, in any project."""
        return {user_scope(row.user_id) for row in rows}


class SyncWatermark(models.Model):
    """Where the last successful incremental reconcile of one scope started (`servers:<project>`).

    Kept in the database, not in Django's cache: the cache is per process here, and the next
    pass may run in another worker. A lost or old watermark only costs a full sweep.
    """

    key = models.CharField(primary_key=True, max_length=100)
    observed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} @ {self.observed_at.isoformat()}"
