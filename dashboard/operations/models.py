"""An Operation: one change to the cloud, run by a Celery worker, watched by the user."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message

# Params the worker needs but users never read back, and that are not kept once the operation
# ends: Nova shows a server's user data only to admins, and cloud-init user data often carries
# passwords.
PRIVATE_PARAMS = frozenset({"user_data"})
# A value of the API's `params` (data, not a sentence: not translated).
NOT_SHOWN = "(not shown)"


class Operation(models.Model):
    """A user's change to the cloud: what, on which object, by whom, and how it ended.

    `params` holds validated form values, never tokens or passwords; the few that may carry
    secrets (PRIVATE_PARAMS) are never shown and are dropped when the operation ends. The user's
    token waits in Redis under the operation's id (see `credentials`). At most one unfinished
    operation per target.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    UNFINISHED = (Status.PENDING, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.CharField(max_length=100)
    # What and which objects, by name: a Message's `as_json()` (read through `description`).
    description_json = models.JSONField()
    target_type = models.CharField(max_length=50)
    # Ids up to a key pair's "<user id>:<name>" (64 + 1 + 255).
    target_id = models.CharField(max_length=320, blank=True)
    target_name = models.CharField(max_length=255, blank=True)
    project_id = models.CharField(max_length=64, db_index=True)
    # The project the actor's token is scoped to, when it is not `project_id`: an admin's (or the
    # try-out cloud's account's) change recorded in the project it acts on. Blank: `project_id`.
    acting_project_id = models.CharField(max_length=64, blank=True)
    user_id = models.CharField(max_length=64)
    user_name = models.CharField(max_length=255)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Why it failed (what, why, what to do): a Message's `as_json()`, None unless it failed.
    failure_json = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    result_id = models.CharField(max_length=320, blank=True)
    # A composite operation's finished steps and what each made (`composite.composite_run`), so
    # a retry continues where the last attempt stopped.
    steps = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The latest claim: when, and by the task's how-manieth delivery after retries (a retry may
    # claim the running operation again, a second copy of the same delivery may not).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_retries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project_id", "status", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(status__in=["pending", "running"]) & ~Q(target_id=""),
                name="one_unfinished_operation_per_target",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def description_message(self) -> Message:
        return Message.from_json(self.description_json)

    @property
    def description(self) -> str:
        """What the operation does, in the active language (object names as they are)."""
        return str(self.description_message)

    @description.setter
    def description(self, message: Message | str) -> None:
        self.description_json = Message.of(message).as_json()

    @property
    def failure_message(self) -> Message | None:
        return Message.from_json(self.failure_json) if self.failure_json else None

    @property
    def error_message(self) -> str:
        """Why it failed, in the active language (OpenStack's own text as it said it); "" when
        it did not fail."""
        return str(self.failure_message or "")

    @property
    def shown_params(self) -> dict[str, object]:
        """`params` as users may read them, and as they are kept once the operation ends."""
        return {
            key: NOT_SHOWN if key in PRIVATE_PARAMS else value for key, value in self.params.items()
        }

    @property
    def scope_project_id(self) -> str:
        """The project the worker's connection is scoped to."""
        return self.acting_project_id or self.project_id

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def deletes_target(self) -> bool:
        """Whether the operation deletes (or releases) its target: `<app>.<type>_delete`."""
        return self.action.endswith("_delete")

    @property
    def target_label(self) -> str:
        return self.target_name or self.target_id or self.result_id
