"""Tenants' requests for more quota or a longer trial: asking, the administrators' decision, the
automatic approval of small quota requests, and the operations that apply an approval.

An approval runs as an operation recorded in the tenant's project, with the approving admin's
own token (or, for an automatic approval, the try-out cloud's account: `trial_account_token()`).
A quota request is applied through the admin quota pages' own form and service
(`ProjectQuotasForm`, `project_quotas_update`). The request's status follows its operation:
approving, then approved (the tenant is mailed) or failed (the operation says why).
Mails go out once the row is committed; a mail server that fails is logged and reported to the
caller (False), never an error of the request itself.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudError, CloudTransientError, translated
from dashboard.cloud.identity import identity_proxy, trial_account_configured
from dashboard.i18n import Message, gettext_noop
from dashboard.mail import absolute_url, mail_try
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest, operation_service
from dashboard.operations.services import Actor, OperationRefused, operation_start
from dashboard.web.forms import form_errors_text
from tenants.forms.quotas import ProjectQuotasForm
from tenants.lifetimes import trial_changed
from tenants.models import ExpiryWarning, ExtensionRequest, QuotaRequest, Request, Trial
from tenants.reconcile import KEYSTONE, reconcile_projects
from tenants.resources import BY_KEY
from tenants.selectors.projects import project_get
from tenants.selectors.requests import (
    auto_approved_recently,
    quota_limits,
    quota_step,
    request_operation,
)
from tenants.services.quotas import project_quotas_update
from tenants.services.trial_account import trial_actor

log = structlog.get_logger(__name__)

Status = Request.Status
# Keystone's tag that carries a trial's end (`Trial`): `trial-ends:<UTC ISO time>`.
TRIAL_ENDS_TAG = "trial-ends:"
TRIAL_ENDS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
AUTOMATIC = "automatic"


@dataclass(frozen=True)
class Asker:
    """Who asks: the signed-in user and the session's project."""

    user_id: str
    user_name: str
    project_id: str
    project_name: str


# ---- mails -------------------------------------------------------------------------------------


def _kind(request: Request) -> str:
    return "quota" if isinstance(request, QuotaRequest) else "extension"


def quota_values_shown(request: QuotaRequest) -> list[tuple[StrOrPromise, int | None, int]]:
    """(label, current limit, wanted) of each value the request asks for; the label is
    translated where it is shown."""
    shown: list[tuple[StrOrPromise, int | None, int]] = []
    for key, wanted in request.values.items():
        resource = BY_KEY.get(key.replace(":", "_", 1))
        label = resource.label if resource else key
        current = request.current.get(key, {}).get("limit")
        shown.append((label, current, int(wanted)))
    return shown


def _values(request: Request) -> list[tuple[StrOrPromise, int | None, int]]:
    return quota_values_shown(request) if isinstance(request, QuotaRequest) else []


def _mail_admins_of_arrival(request: Request) -> bool:
    """Tell settings.ADMIN_EMAILS that a request arrived; True when none failed."""
    admins: list[str] = settings.ADMIN_EMAILS
    kind = _kind(request)
    url = absolute_url(reverse(f"tenants:admin_request_{kind}", kwargs={"pk": request.pk}))
    sent = True
    for address in admins:
        sent &= mail_try(
            to=address,
            language=settings.LANGUAGE_CODE,
            template="mail/request_arrived",
            context={"request": request, "kind": kind, "url": url, "values": _values(request)},
        )
    return sent


def _mail_tenant_of_decision(request: Request) -> bool:
    """Tell the tenant (the request's email, in its language) that it was approved or
    rejected; True when sent or there is nobody to tell."""
    if not request.email:
        return True
    return mail_try(
        to=request.email,
        language=request.language,
        template=f"mail/request_{request.status}",
        context={
            "request": request,
            "kind": _kind(request),
            "url": absolute_url(reverse("tenants:requests")),
            "values": _values(request),
        },
    )


# ---- asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """A request made: the row, the operation of an automatic approval (None: it waits), and
    whether every administrator could be mailed."""

    request: Request
    operation: Operation | None
    admins_mailed: bool


ONE_OPEN = gettext_noop(
    "This project already has a request waiting for an administrator; wait for its decision "
    "(see Requests) before asking again."
)


def quota_request_create(
    *,
    asker: Asker,
    values: dict[str, int],
    current: dict[str, dict[str, int | None]],
    reason: str,
    email: str,
    language: str,
) -> Asked:
    """Record a quota request (`values` by "<service>:<resource>"), approve it automatically when
    it is within one step of the configured sizes and none was in the period, and tell the
    administrators. Raises OperationRefused while another quota request of the project is open."""
    auto = quota_auto_approvable(project_id=asker.project_id, values=values)
    try:
        with transaction.atomic():
            request = QuotaRequest.objects.create(
                project_id=asker.project_id,
                project_name=asker.project_name,
                requested_by_user_id=asker.user_id,
                requested_by_name=asker.user_name,
                email=email,
                language=language,
                reason=reason,
                values=values,
                current=current,
            )
    except IntegrityError:
        raise OperationRefused(_(ONE_OPEN)) from None
    operation = _auto_approve(request) if auto else None
    return Asked(
        request=request, operation=operation, admins_mailed=_mail_admins_of_arrival(request)
    )


def extension_request_create(
    *, asker: Asker, days: int, reason: str, email: str, language: str
) -> Asked:
    """Record a request for `days` more of the project's trial and tell the administrators.
    Raises OperationRefused while another extension request of the project is open."""
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                project_id=asker.project_id,
                project_name=asker.project_name,
                requested_by_user_id=asker.user_id,
                requested_by_name=asker.user_name,
                email=email,
                language=language,
                reason=reason,
                days=days,
            )
    except IntegrityError:
        raise OperationRefused(_(ONE_OPEN)) from None
    return Asked(request=request, operation=None, admins_mailed=_mail_admins_of_arrival(request))


def quota_auto_approvable(*, project_id: str, values: dict[str, int]) -> bool:
    """Whether a request for `values` is let through without an administrator: automatic
    approval is on (QUOTA_REQUEST_AUTO_APPROVE_DAYS and the try-out account set), every value is
    within the next size above the project's current one, and no request of the project was
    approved automatically within the period."""
    if settings.QUOTA_REQUEST_AUTO_APPROVE_DAYS <= 0 or not trial_account_configured():
        return False
    step = quota_step(limits=quota_limits(project_id=project_id))
    within = bool(values) and all(
        key in step.next_limits and value <= step.next_limits[key] for key, value in values.items()
    )
    return within and not auto_approved_recently(project_id=project_id)


def _auto_approve(request: QuotaRequest) -> Operation | None:
    """Start applying the request with the try-out account; None (it waits for an
    administrator, logged) when the account or the operation cannot start."""
    try:
        actor = trial_actor()
        return quota_request_approve(request=request, actor=actor, decided_by=AUTOMATIC, auto=True)
    except (CloudError, OperationRefused) as exc:
        log.warning("quota_request.auto_approval_failed", request=str(request.pk), error=str(exc))
        return None


# ---- deciding ----------------------------------------------------------------------------------


NOT_WAITING = gettext_noop(
    "This request is no longer waiting for a decision (it is %(status)s); reload the page."
)


def _lock_pending[R: Request](model: type[R], pk: Any) -> R:
    request = model._default_manager.select_for_update().get(pk=pk)
    if request.status != Status.PENDING:
        raise OperationRefused(_(NOT_WAITING) % {"status": request.get_status_display()})
    return request


def quota_request_approve(
    *, request: QuotaRequest, actor: Actor, decided_by: str, auto: bool = False
) -> Operation:
    """Start the operation that sets the requested limits (the admin quota form's checks and
    service), recorded in the tenant's project, as `actor`; the request is then approving.
    Raises OperationRefused when it no longer waits, the project is not mirrored, or the form or
    `operation_start` refuses."""
    project = project_get(project_id=request.project_id)
    if project is None:
        raise OperationRefused(
            _("Project “%(name)s” is not known to the dashboard (yet); try again in a minute.")
            % {"name": request.project_name}
        )
    data = {key.replace(":", "_", 1): value for key, value in request.values.items()}
    form = ProjectQuotasForm(data, project_id=actor.project_id, obj=project)
    if not form.is_valid():
        raise OperationRefused(form_errors_text(form))
    asked = form.operation_request()
    with transaction.atomic():
        row = _lock_pending(QuotaRequest, request.pk)
        operation = operation_start(
            actor=actor,
            request=OperationRequest(
                service=quota_request_apply,
                description=asked.description,
                target_type=asked.target_type,
                target_id=asked.target_id,
                target_name=asked.target_name,
                params={"request_id": str(row.pk), **asked.params},
            ),
            project_id=row.project_id,
        )
        _mark_approving(row, operation=operation, decided_by=decided_by, auto=auto)
    request.refresh_from_db()
    return operation


def extension_new_end(*, trial: Trial, days: int) -> datetime:
    """The trial's end `days` later (from now when it has passed), to the second, in UTC."""
    assert trial.ends_at is not None
    start = max(trial.ends_at, timezone.now())
    return (start + timedelta(days=days)).astimezone(UTC).replace(microsecond=0)


def extension_request_approve(
    *, request: ExtensionRequest, actor: Actor, decided_by: str
) -> Operation:
    """Start the operation that moves the trial's end by the days asked, as `actor`, recorded in
    the tenant's project; the request is then approving. Raises OperationRefused when it no
    longer waits or the project is not a trial with an end."""
    trial = Trial.objects.filter(project_id=request.project_id).first()
    if trial is None or trial.ends_at is None:
        raise OperationRefused(
            _("Project “%(name)s” is not a trial with an end: there is nothing to extend.")
            % {"name": request.project_name}
        )
    ends_at = extension_new_end(trial=trial, days=request.days).strftime(TRIAL_ENDS_FORMAT)
    with transaction.atomic():
        row = _lock_pending(ExtensionRequest, request.pk)
        operation = operation_start(
            actor=actor,
            request=OperationRequest(
                service=extension_request_apply,
                description=Message(
                    gettext_noop("Move the end of the trial of project “%(name)s” to %(ends_at)s"),
                    {"name": row.project_name, "ends_at": ends_at},
                ),
                target_type="trial",
                target_id=row.project_id,
                target_name=row.project_name,
                params={
                    "request_id": str(row.pk),
                    "project_id": row.project_id,
                    "ends_at": ends_at,
                },
            ),
            project_id=row.project_id,
        )
        _mark_approving(row, operation=operation, decided_by=decided_by, auto=False)
    request.refresh_from_db()
    return operation


def _mark_approving(row: Request, *, operation: Operation, decided_by: str, auto: bool) -> None:
    row.status = Status.APPROVING
    row.operation_id = operation.pk
    row.decided_by = decided_by
    row.decided_at = timezone.now()
    row.auto_approved = auto
    row.save(update_fields=["status", "operation_id", "decided_by", "decided_at", "auto_approved"])


def request_reject(*, request: Request, decided_by: str, reason: str) -> bool:
    """Reject the waiting request with `reason` and mail the tenant; returns whether the mail
    went out. Raises OperationRefused when it no longer waits."""
    with transaction.atomic():
        row = _lock_pending(type(request), request.pk)
        row.status = Status.REJECTED
        row.decided_by = decided_by
        row.decision_reason = reason
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "decided_by", "decision_reason", "decided_at"])
    request.refresh_from_db()
    return _mail_tenant_of_decision(row)


# ---- following the operation -------------------------------------------------------------------


def _settle(model: type[Request], request_id: str, status: str) -> None:
    """Move an approving request to `status`, once; the tenant is mailed of an approval."""
    if model._default_manager.filter(pk=request_id, status=Status.APPROVING).update(status=status):
        row = model._default_manager.get(pk=request_id)
        if status == Status.APPROVED:
            _mail_tenant_of_decision(row)


def requests_settle(requests: list[Request]) -> None:
    """Bring approving requests in line with their finished operations (an operation that ended
    without its service: signed out, stuck, crashed)."""
    for request in requests:
        if request.status != Status.APPROVING:
            continue
        operation = request_operation(request=request)
        if operation is None or not operation.is_finished:
            continue
        succeeded = operation.status == Operation.Status.SUCCEEDED
        _settle(type(request), str(request.pk), Status.APPROVED if succeeded else Status.FAILED)
        request.refresh_from_db()


def _applying(model: type[Request], request_id: str, apply: Any) -> None:
    """Run `apply`; the request is approved after it, failed when the cloud refused it (a
    transient fault is retried: the request keeps approving)."""
    try:
        apply()
    except CloudError as exc:
        if not isinstance(exc, CloudTransientError):
            _settle(model, request_id, Status.FAILED)
        raise
    _settle(model, request_id, Status.APPROVED)


@operation_service
def quota_request_apply(
    *,
    conn: Connection,
    operation: Operation,
    request_id: str,
    project_id: str,
    compute: dict[str, int],
    network: dict[str, int],
    force: bool = False,
) -> None:
    """Set the limits a quota request asked for (`project_quotas_update`), then mark it approved
    and mail the tenant; idempotent. Raises CloudError (the request is marked failed)."""
    _applying(
        QuotaRequest,
        request_id,
        lambda: project_quotas_update(
            conn=conn,
            operation=operation,
            project_id=project_id,
            compute=compute,
            network=network,
            force=force,
        ),
    )


def _trial_end_move(*, conn: Connection, project_id: str, ends_at: str, label: str) -> None:
    identity = identity_proxy(conn)
    doing = Message(
        gettext_noop("move the end of the trial of project “%(name)s”"), {"name": label}
    )
    with translated(doing=doing, service=KEYSTONE):
        project = identity.get_project(project_id)
        tags = list(project.tags or [])
        moved = [tag for tag in tags if not tag.startswith(TRIAL_ENDS_TAG)]
        moved.append(f"{TRIAL_ENDS_TAG}{ends_at}")
        if sorted(moved) != sorted(tags):
            identity.update_project(project, tags=moved)
    end = datetime.strptime(ends_at, TRIAL_ENDS_FORMAT).replace(tzinfo=UTC)
    Trial.objects.filter(project_id=project_id).update(ends_at=end)
    trial_changed(project_id=project_id)
    # The new end is warned of again.
    ExpiryWarning.objects.filter(project_id=project_id, resource_type="project").delete()
    reconcile_projects(conn=service_connection(), ids=[project_id])


@operation_service
def extension_request_apply(
    *, conn: Connection, operation: Operation, request_id: str, project_id: str, ends_at: str
) -> None:
    """Move the trial's end to `ends_at` (Keystone's `trial-ends:` tag and `Trial.ends_at`),
    forget the warning of the old end, then mark the request approved and mail the tenant;
    idempotent. Raises CloudError (the request is marked failed)."""
    _applying(
        ExtensionRequest,
        request_id,
        lambda: _trial_end_move(
            conn=conn, project_id=project_id, ends_at=ends_at, label=operation.target_label
        ),
    )
