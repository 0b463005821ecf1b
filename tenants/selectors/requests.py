"""Reads of tenants' requests (more quota, a longer trial): a project's own, the admin queue's,
and what the automatic approval of quota requests decides from (sizes, the last one let
through)."""

from dataclasses import dataclass
from datetime import timedelta
from itertools import chain
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from dashboard.operations.models import Operation
from tenants.models import ExtensionRequest, Quota, QuotaRequest, Request, Trial

Status = Request.Status
# Requests still open: a project has at most one of each kind at a time.
OPEN = (Status.PENDING, Status.APPROVING)
# Where the decision-notice on the overview looks back to.
NOTICE_DAYS = 7


def quota_request_list(*, project_id: str) -> QuerySet[QuotaRequest]:
    """The project's quota requests, newest first."""
    return QuotaRequest.objects.filter(project_id=project_id)


def extension_request_list(*, project_id: str) -> QuerySet[ExtensionRequest]:
    """The project's extension requests, newest first."""
    return ExtensionRequest.objects.filter(project_id=project_id)


def project_request_list(*, project_id: str) -> list[Request]:
    """Both kinds of the project's requests, newest first."""
    return sorted(
        chain(
            quota_request_list(project_id=project_id),
            extension_request_list(project_id=project_id),
        ),
        key=lambda request: request.created_at,
        reverse=True,
    )


def open_quota_request(*, project_id: str) -> QuotaRequest | None:
    """The project's quota request still waiting or being applied, if any."""
    return QuotaRequest.objects.filter(project_id=project_id, status__in=OPEN).first()


def open_extension_request(*, project_id: str) -> ExtensionRequest | None:
    """The project's extension request still waiting or being applied, if any."""
    return ExtensionRequest.objects.filter(project_id=project_id, status__in=OPEN).first()


def recently_decided(*, project_id: str) -> list[Request]:
    """The project's requests decided in the last NOTICE_DAYS days (the overview's notice)."""
    since = timezone.now() - timedelta(days=NOTICE_DAYS)
    decided = (Status.APPROVED, Status.REJECTED, Status.FAILED)
    return [
        request
        for request in project_request_list(project_id=project_id)
        if request.status in decided and request.decided_at and request.decided_at >= since
    ]


WAITING_ORDER = {Status.PENDING: 0, Status.APPROVING: 1}


def admin_request_list() -> list[Request]:
    """Every project's requests of both kinds (administrators only): waiting first, then being
    applied, then decided; newest first within each."""
    rows: list[Request] = [*QuotaRequest.objects.all(), *ExtensionRequest.objects.all()]
    return sorted(
        rows, key=lambda r: (WAITING_ORDER.get(Status(r.status), 2), -r.created_at.timestamp())
    )


def quota_request_get(*, pk: UUID | str) -> QuotaRequest | None:
    """One quota request of any project (administrators only), or None."""
    return QuotaRequest.objects.filter(pk=pk).first()


def extension_request_get(*, pk: UUID | str) -> ExtensionRequest | None:
    """One extension request of any project (administrators only), or None."""
    return ExtensionRequest.objects.filter(pk=pk).first()


def request_operation(*, request: Request) -> Operation | None:
    """The operation that applies an approved request, if one was started."""
    if request.operation_id is None:
        return None
    return Operation.objects.filter(pk=request.operation_id).first()


def trial_get(*, project_id: str) -> Trial | None:
    """The project's trial row, when the project is a trial."""
    return Trial.objects.filter(project_id=project_id).first()


@dataclass(frozen=True)
class Step:
    """Where a project stands among QUOTA_REQUEST_SIZES: the size it holds (None: below the
    smallest) and the next size's limits ({} when there is none above)."""

    current: str | None
    next_name: str | None
    next_limits: dict[str, int]


def quota_limits(*, project_id: str) -> dict[str, int]:
    """The project's mirrored limits by "<service>:<resource>" (-1: unlimited)."""
    return {
        f"{service}:{resource}": limit
        for service, resource, limit in Quota.objects.filter(project_id=project_id).values_list(
            "service", "resource", "limit"
        )
    }


def quota_sizes() -> list[tuple[str, dict[str, int]]]:
    """The configured sizes (settings.QUOTA_REQUEST_SIZES) that set any limit, smallest first."""
    sizes: dict[str, dict[str, int]] = settings.QUOTA_REQUEST_SIZES
    return [(name, limits) for name, limits in sizes.items() if limits]


def quota_step(*, limits: dict[str, int]) -> Step:
    """The largest size whose every limit the project's `limits` reach, and the one above it."""

    def held(size: dict[str, Any]) -> bool:
        return all(
            key in limits and (limits[key] < 0 or limits[key] >= value)
            for key, value in size.items()
        )

    sizes = quota_sizes()
    current = -1
    for index, (_name, size) in enumerate(sizes):
        if held(size):
            current = index
    above = sizes[current + 1] if current + 1 < len(sizes) else None
    return Step(
        current=sizes[current][0] if current >= 0 else None,
        next_name=above[0] if above else None,
        next_limits=dict(above[1]) if above else {},
    )


def auto_approved_recently(*, project_id: str) -> bool:
    """Whether a quota request of the project was approved automatically within the period
    (settings.QUOTA_REQUEST_AUTO_APPROVE_DAYS)."""
    since = timezone.now() - timedelta(days=settings.QUOTA_REQUEST_AUTO_APPROVE_DAYS)
    return QuotaRequest.objects.filter(
        project_id=project_id, auto_approved=True, created_at__gte=since
    ).exists()
