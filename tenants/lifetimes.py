"""What the try-out cloud's clean-up removes from a trial project, and when, as declared by the apps
that hold the rows.

Servers and floating IPs are the instances and networks apps' rows, and those apps sit above
tenants. Each registers, when it starts (its `AppConfig.ready`), one `LifetimeKind` per kind of
object it holds: the project's objects in the mirror, how to remove them all from the cloud at the
trial's end (with the app's own delete services), and for kinds with a lifetime of their own
(servers: TRIAL_SERVER_LIFETIME_HOURS, unattached floating IPs: TRIAL_FLOATING_IP_IDLE_HOURS) when
each one expires and the operation that removes it. `order` is the dependency order of the
trial's end: floating IPs, servers, routers (interfaces and gateway first), ports, subnets,
networks, security groups, key pairs.

`removals(project_id, now)` answers what will be removed from a project and when; pages, mails,
the clean-up and its dry run all ask it. Only trials are touched: a `Trial` row, not ended, whose
project Keystone tags `trial` (the mirror's `Project.tags`).
"""

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from dashboard.cloud.connection import Connection
from dashboard.i18n import Message
from dashboard.mirror.live import VersionedCache, mirror_changed
from dashboard.mirror.middleware import request_versions
from dashboard.mirror.scopes import project_scope
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from tenants.models import Application, Project, Trial

# Keystone's tag of a trial project (its end: tenants.services.requests.TRIAL_ENDS_TAG).
TRIAL_TAG = "trial"
# `Removal.resource_type` of the project's own end.
PROJECT = "project"


@dataclass(frozen=True)
class Resource:
    """One object of a trial project, as the mirror shows it."""

    resource_type: str
    id: str
    name: str
    project_id: str


@dataclass(frozen=True)
class Removal:
    """What the clean-up removes and when: one object (its own lifetime, or the trial's end, if
    sooner), or the whole project (`resource_type` PROJECT)."""

    resource: Resource
    removal_at: datetime

    @property
    def resource_type(self) -> str:
        return self.resource.resource_type

    def is_due(self, now: datetime) -> bool:
        return self.removal_at <= now


class Purge(Protocol):
    def __call__(
        self, *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
    ) -> None: ...


@dataclass(frozen=True)
class LifetimeKind:
    """One kind of object the clean-up removes (see the module's docstring)."""

    resource_type: str
    # The kind's name in lists (plural: "Instances"), translated where it is shown.
    label: StrOrPromise
    order: int
    # The project's objects in the mirror (key pairs: those of the project's users).
    owned: Callable[[str, list[str]], list[Resource]]
    # Remove every object of the kind from the project, from the cloud's own listing; idempotent.
    purge: Purge
    # Objects of these projects that expire by a lifetime of their own, with when (none while
    # the setting is 0); and the operation that removes one of them.
    expiring: Callable[[list[str]], list[Removal]] | None = None
    removal_request: Callable[[Resource], OperationRequest] | None = None
    # Fetch these objects into the mirror again before they are removed (never remove on an
    # older view: a floating IP may have been attached since).
    refresh: Callable[[list[str]], None] | None = None


# resource_type -> kind, filled in by the apps above.
KINDS: dict[str, LifetimeKind] = {}


def register_lifetime_kind(kind: LifetimeKind) -> None:
    """Let the clean-up know `kind` (again when an app starts twice). Raises ValueError for a
    resource type another app's purge already removes."""
    if KINDS.setdefault(kind.resource_type, kind).purge is not kind.purge:
        raise ValueError(f"{kind.resource_type} is already declared otherwise.")
    KINDS[kind.resource_type] = kind


def kinds_in_order() -> list[LifetimeKind]:
    return sorted(KINDS.values(), key=lambda kind: kind.order)


def as_step(
    operation: Operation, *, resource: Resource, description: Message | None = None
) -> Operation:
    """The operation as one step of it sees it: an app's delete service, called inside a
    larger operation (the trial's end), names the object it removes in its messages. Not saved."""
    step = copy.copy(operation)
    step.target_type = resource.resource_type
    step.target_id = resource.id
    step.target_name = resource.name
    if description is not None:
        step.description_json = description.as_json()
    return step


# ---- which projects are trials, and what goes when -----------------------------------------------


def active_trials(*, project_ids: Iterable[str] | None = None) -> list[Trial]:
    """Trials not ended whose Keystone project is tagged `trial` (in the mirror)."""
    trials = _unended_trials().all()
    if project_ids is not None:
        trials = trials.filter(project_id__in=list(project_ids))
    return [trial for trial in trials if TRIAL_TAG in (getattr(trial, "project_tags", None) or [])]


@cache
def _unended_trials() -> QuerySet[Trial]:
    """Trials not ended, each with its project's tags (`project_tags`): built once per process
    and never evaluated itself, as every page asks for its project's trial."""
    # JSON containment is not portable (SQLite): the few trial projects' tags are read.
    project_tags = Project.objects.filter(pk=OuterRef("project_id")).values("tags")[:1]
    return Trial.objects.filter(ended_at=None).annotate(
        project_tags=Subquery(project_tags, output_field=JSONField())
    )


def trial_user_ids(*, project_id: str) -> list[str]:
    """The Keystone users the trial was set up for (approved applications into the project)."""
    return sorted(
        set(
            Application.objects.filter(project_id=project_id, status=Application.Status.APPROVED)
            .exclude(user_id="")
            .values_list("user_id", flat=True)
        )
    )


def _project_removal(trial: Trial) -> Removal | None:
    if trial.ends_at is None:
        return None
    return Removal(
        Resource(PROJECT, trial.project_id, trial.project_name, trial.project_id), trial.ends_at
    )


def _expiring(trials: list[Trial]) -> list[Removal]:
    """Objects of these trials with a lifetime of their own, each at its own end or the
    trial's, whichever comes first."""
    ends = {trial.project_id: trial.ends_at for trial in trials}
    found: list[Removal] = []
    for kind in kinds_in_order():
        if kind.expiring is None or not ends:
            continue
        for removal in kind.expiring(list(ends)):
            end = ends.get(removal.resource.project_id)
            found.append(
                removal
                if end is None or removal.removal_at <= end
                else Removal(removal.resource, end)
            )
    return found


def removals(project_id: str, now: datetime | None = None) -> list[Removal]:
    """What will be removed from the project and when, soonest first: the trial's end and each
    object with a lifetime of its own; nothing for a project that is no trial."""
    trials = active_trials(project_ids=[project_id])
    found = _expiring(trials)
    found.extend(removal for trial in trials if (removal := _project_removal(trial)) is not None)
    return sorted(found, key=lambda removal: removal.removal_at)


@dataclass(frozen=True)
class TrialPlan:
    """What the next clean-up does to one trial: end it (remove `removals`, everything of the
    project the mirror shows, then disable the project), or remove the objects whose time is up;
    `coming` is what will follow later, with when."""

    trial: Trial
    ends: bool
    removals: list[Removal]
    coming: list[Removal]


def cleanup_plan(now: datetime) -> list[TrialPlan]:
    """What the clean-up would do at `now`, per trial project (the dry run shows it)."""
    trials = active_trials()
    expiring = _expiring(trials)
    plans = []
    for trial in trials:
        own = [removal for removal in expiring if removal.resource.project_id == trial.project_id]
        ends = trial.ends_at is not None and trial.ends_at <= now
        if ends:
            assert trial.ends_at is not None
            user_ids = trial_user_ids(project_id=trial.project_id)
            everything = [
                Removal(resource, trial.ends_at)
                for kind in kinds_in_order()
                for resource in kind.owned(trial.project_id, user_ids)
            ]
            plans.append(TrialPlan(trial=trial, ends=True, removals=everything, coming=[]))
            continue
        end = _project_removal(trial)
        plans.append(
            TrialPlan(
                trial=trial,
                ends=False,
                removals=[removal for removal in own if removal.is_due(now)],
                coming=sorted(
                    [removal for removal in own if not removal.is_due(now)]
                    + ([end] if end is not None else []),
                    key=lambda removal: removal.removal_at,
                ),
            )
        )
    return plans


# ---- per page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRemovals:
    """What goes from the session's project and when, read once per page."""

    trial: Trial | None
    by_object: dict[tuple[str, str], datetime]

    def removal_at(self, resource_type: str, resource_id: Any) -> datetime | None:
        return self.by_object.get((resource_type, str(resource_id)))

    @property
    def trial_over(self) -> bool:
        """The trial's end has passed (its clean-up is under way)."""
        ends_at = self.trial.ends_at if self.trial else None
        return ends_at is not None and ends_at <= timezone.now()


NO_REMOVALS = PageRemovals(trial=None, by_object={})


# A page's project's active trials (none, for most projects), at the session's mirror version:
# a trial's row moves its project's version (`trial_changed`), its tags do as a mirrored row.
PROJECT_TRIALS = VersionedCache[list[Trial]](size=1024)


def trial_changed(*, project_id: str) -> None:
    """Say that the project's trial row was written: its pages read it again."""
    mirror_changed(scopes={project_scope(project_id)})


def page_removals(request: HttpRequest) -> PageRemovals:
    """The session's project's removals, computed once per request (the banner, the rows'
    and detail pages' badges)."""
    cached: PageRemovals | None = getattr(request, "_trial_removals", None)
    if cached is not None:
        return cached
    keystone = getattr(request, "keystone", None)
    page = NO_REMOVALS
    if keystone is not None:
        project_id = keystone.project_id
        trials = PROJECT_TRIALS.get(
            project_id,
            request_versions(request).project,
            lambda: active_trials(project_ids=[project_id]),
        )
        if trials:
            page = PageRemovals(
                trial=trials[0],
                by_object={
                    (removal.resource_type, removal.resource.id): removal.removal_at
                    for removal in _expiring(trials)
                },
            )
    request._trial_removals = page  # type: ignore[attr-defined]
    return page
