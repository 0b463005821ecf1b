"""The abstract base every mirror table shares."""

from collections.abc import Sequence
from typing import ClassVar, Self

from django.db import models
from django.utils import translation

from dashboard.i18n import Message
from dashboard.mirror.scopes import SHARED, project_scope


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
    # The fields `__str__` reads: a choice of these objects loads only them (and the id).
    label_fields: ClassVar[tuple[str, ...]] = ("name",)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name or self.id

    @property
    def name_or_id(self) -> str:
        """How the user names the object: its name, or its id when it has none."""
        return self.name or self.id

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """The scopes (`dashboard.mirror.scopes`) that see these rows: each owner's project, and
        every project for rows of none. Tables whose rows other projects see too override it."""
        return {project_scope(row.project_id) if row.project_id else SHARED for row in rows}


class SyncState(models.Model):
    """How the last sweep of one resource group went: pages show it, and warn when it lags."""

    group = models.CharField(primary_key=True, max_length=32)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why the last sweep failed, in English ("" when it succeeded): what code tests and logs read.
    error = models.TextField(blank=True)
    # The same failure as a Message's `as_json()`, shown in each reader's language.
    error_json = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.group

    @staticmethod
    def error_fields(failure: Message | None) -> dict[str, object]:
        """The fields that record `failure` (None: no failure), for `update_or_create`."""
        if failure is None:
            return {"error": "", "error_json": None}
        with translation.override(None):
            english = str(failure)
        return {"error": english, "error_json": failure.as_json()}

    @property
    def error_message(self) -> str:
        """Why the last sweep failed, in the active language; "" when it succeeded."""
        if not self.error:
            return ""
        return str(Message.from_json(self.error_json or self.error))
