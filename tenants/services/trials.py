"""The try-out cloud's clean-up: warnings before each removal, the removal of what has expired,
and the trial's end.

Beat runs `trials_clean_up` (tenants.tasks.trial_cleanup_task). It asks `tenants.lifetimes` what
is due and starts, with the try-out account (`trial_actor()`), operations recorded in each
trial's project: one per expired object (the object's own delete service, as its app declared
it), and for a trial whose end has passed one `trial_end` operation that removes everything of
the project in dependency order, disables the Keystone project (kept for the record), marks the
trial ended and mails its owner. Each runs at most once at a time per target (an operation
already running on it is left to finish), and each is idempotent: what is gone counts as done.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudNotFound, translated
from dashboard.cloud.identity import identity_proxy, trial_account_configured
from dashboard.i18n import Message, gettext_noop
from dashboard.mail import absolute_url, mail_try
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest, operation_service
from dashboard.operations.services import Actor, OperationRefused, operation_start
from tenants.lifetimes import (
    KINDS,
    PROJECT,
    Removal,
    active_trials,
    cleanup_plan,
    kinds_in_order,
    removals,
    trial_changed,
    trial_user_ids,
)
from tenants.models import ExpiryWarning, Trial
from tenants.reconcile import KEYSTONE, reconcile_projects
from tenants.services.trial_account import trial_actor

log = structlog.get_logger(__name__)


# ---- the trial's end -----------------------------------------------------------------------------


@operation_service
def trial_end(*, conn: Connection, operation: Operation, project_id: str) -> None:
    """Remove everything of the trial's project (each app's kinds, in dependency order), disable
    the Keystone project, mark the trial ended and mail its owner once; idempotent (what is gone
    counts as done, an ended trial is not mailed again)."""
    user_ids = trial_user_ids(project_id=project_id)
    for kind in kinds_in_order():
        kind.purge(conn=conn, operation=operation, project_id=project_id, user_ids=user_ids)
    identity = identity_proxy(conn)
    doing = Message(gettext_noop("disable project “%(name)s”"), {"name": operation.target_label})
    try:
        with translated(doing=doing, service=KEYSTONE):
            project = identity.get_project(project_id)
            if project.is_enabled:
                identity.update_project(project, is_enabled=False)
    except CloudNotFound:
        pass  # deleted meanwhile: nothing left to disable
    reconcile_projects(conn=service_connection(), ids=[project_id])
    if Trial.objects.filter(project_id=project_id, ended_at=None).update(ended_at=timezone.now()):
        trial_changed(project_id=project_id)
        trial = Trial.objects.get(project_id=project_id)
        if trial.owner_email:
            mail_try(
                to=trial.owner_email,
                language=trial.owner_language,
                template="mail/trial_ended",
                context={"trial": trial},
            )


def trial_end_request(trial: Trial) -> OperationRequest:
    return OperationRequest(
        service=trial_end,
        description=Message(
            gettext_noop(
                "End the trial of project “%(name)s”: remove everything in it and disable it"
            ),
            {"name": trial.project_name},
        ),
        target_type="trial",
        target_id=trial.project_id,
        target_name=trial.project_name,
        params={"project_id": trial.project_id},
    )


# ---- warnings ------------------------------------------------------------------------------------


def _warnable(trial: Trial, now: datetime) -> list[Removal]:
    """The trial's removals within TRIAL_WARN_BEFORE_HOURS that nobody was warned of yet."""
    ahead = now + timedelta(hours=settings.TRIAL_WARN_BEFORE_HOURS)
    coming = [r for r in removals(trial.project_id, now) if now < r.removal_at <= ahead]
    warned = set(
        ExpiryWarning.objects.filter(project_id=trial.project_id).values_list(
            "resource_type", "resource_id", "removal_at"
        )
    )
    return [
        removal
        for removal in coming
        if (removal.resource_type, removal.resource.id, removal.removal_at) not in warned
    ]


def warning_groups(coming: list[Removal]) -> tuple[datetime | None, list[dict[str, object]]]:
    """The trial's end (None when not coming), and the objects by kind, as the mail lists them."""
    ends_at = next((r.removal_at for r in coming if r.resource_type == PROJECT), None)
    by_kind: dict[str, list[Removal]] = defaultdict(list)
    for removal in coming:
        if removal.resource_type != PROJECT:
            by_kind[removal.resource_type].append(removal)
    groups: list[dict[str, object]] = [
        {"label": kind.label, "removals": by_kind[kind.resource_type]}
        for kind in kinds_in_order()
        if by_kind[kind.resource_type]
    ]
    return ends_at, groups


def trial_warn(*, trial: Trial, now: datetime) -> int:
    """Mail the trial's owner, in their language, what goes within TRIAL_WARN_BEFORE_HOURS and
    was not warned of yet (one mail listing them, with the extension link); each removal is
    warned of once (`ExpiryWarning`), again only when the mail failed. Returns how many."""
    if settings.TRIAL_WARN_BEFORE_HOURS <= 0 or not trial.owner_email:
        return 0
    coming = _warnable(trial, now)
    if not coming:
        return 0
    with transaction.atomic():
        rows = [
            ExpiryWarning.objects.get_or_create(
                resource_type=removal.resource_type,
                resource_id=removal.resource.id,
                removal_at=removal.removal_at,
                defaults={"project_id": trial.project_id},
            )[0]
            for removal in coming
        ]
    ends_at, groups = warning_groups(coming)
    sent = mail_try(
        to=trial.owner_email,
        language=trial.owner_language,
        template="mail/trial_removals",
        context={
            "trial": trial,
            "ends_at": ends_at,
            "groups": groups,
            "extension_url": absolute_url(reverse("tenants:extension_request")),
        },
    )
    if not sent:
        ExpiryWarning.objects.filter(pk__in=[row.pk for row in rows]).delete()
        return 0
    return len(coming)


# ---- the run -------------------------------------------------------------------------------------


@dataclass
class CleanupRun:
    """What one run of the clean-up did: the operations it started, the removals it warned of."""

    operations: list[Operation] = field(default_factory=list)
    warned: int = 0


def _refresh_due(now: datetime) -> None:
    """Fetch the objects the run would remove into the mirror again, so none goes on an older
    view (a floating IP attached since)."""
    due: dict[str, list[str]] = defaultdict(list)
    for plan in cleanup_plan(now):
        if not plan.ends:
            for removal in plan.removals:
                due[removal.resource_type].append(removal.resource.id)
    for resource_type, ids in due.items():
        refresh = KINDS[resource_type].refresh
        if refresh is not None:
            refresh(ids)


def _start(actor: Actor, request: OperationRequest, project_id: str) -> Operation | None:
    try:
        return operation_start(actor=actor, request=request, project_id=project_id)
    except OperationRefused:
        # An operation on the object (this clean-up's, or its user's) is still running.
        log.info("trial_cleanup.busy", target=request.target_id)
        return None


def trials_clean_up(*, now: datetime | None = None) -> CleanupRun:
    """Warn of what goes soon, then start the operations that remove what has expired and end
    the trials whose end has passed (see the module's docstring). Raises CloudError when the
    try-out account cannot sign in."""
    now = now or timezone.now()
    run = CleanupRun()
    for trial in active_trials():
        run.warned += trial_warn(trial=trial, now=now)
    _refresh_due(now)
    plans = [plan for plan in cleanup_plan(now) if plan.ends or plan.removals]
    if not plans:
        return run
    if not trial_account_configured():
        log.warning("trial_cleanup.no_account", due=len(plans))
        return run
    actor = trial_actor()
    for plan in plans:
        project_id = plan.trial.project_id
        if plan.ends:
            requests = [trial_end_request(plan.trial)]
        else:
            requests = [
                removal_request(removal.resource)
                for removal in plan.removals
                if (removal_request := KINDS[removal.resource_type].removal_request) is not None
            ]
        for request in requests:
            if (operation := _start(actor, request, project_id)) is not None:
                run.operations.append(operation)
    log.info("trial_cleanup.run", started=len(run.operations), warned=run.warned)
    return run
