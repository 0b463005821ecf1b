"""The abstract base every mirror table shares."""

from django.db import models


class MirrorModel(models.Model):
    """A row that mirrors one OpenStack object; the primary key is the object's OpenStack id.

    `synced_at` is when reconcile last saw the object in the cloud. Relations between mirror
    tables use `ForeignKey(db_constraint=False, on_delete=DO_NOTHING)`, so reconcile may write
    tables in any order.
    """

    id = models.CharField(primary_key=True, max_length=64)
    project_id = models.CharField(max_length=64, db_index=True, blank=True)
    name = models.CharField(max_length=255, blank=True)
    synced_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name or self.id

    @property
    def name_or_id(self) -> str:
        """How the user names the object: its name, or its id when it has none."""
        return self.name or self.id


class SyncState(models.Model):
    """How the last sweep of one resource group went: pages show it, and warn when it lags."""

    group = models.CharField(primary_key=True, max_length=32)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.group
