"""Reads of the quota mirror: a project's usage against its limits, what is left of one quota,
and (for administrators) every project's usage of the main resources in one query.

Limits come from the quota sweep. The use of what the mirror holds every row of (servers, their
vCPUs and RAM, networks, subnets, ports, routers, floating IPs, security groups and rules) is
counted from those rows (`tenants.usage`: the apps that own them say how), which the
notification listener and the sweeps keep current within seconds: a deletion or creation, the
dashboard's or anyone's, shows in the usage as soon as in the lists, instead of at the next
quota sweep. The use of the rest (key pairs, server groups) is the one the quota sweep read from
Nova and Neutron.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from django.db.models import (
    Aggregate,
    Exists,
    Expression,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, NullIf

from tenants.models import Project, Quota, QuotaDefault
from tenants.resources import (
    ALL_RESOURCES,
    COMPUTE,
    COMPUTE_RESOURCES,
    MAIN_RESOURCES,
    NETWORK_RESOURCES,
    WARNING_PERCENT,
    QuotaResource,
)
from tenants.usage import ALLOCATED_FLOATING_IPS, MIRROR_COUNTED, RUNNING_INSTANCES


def mirror_usage(*, project_id: str, keys: Iterable[str]) -> dict[str, int]:
    """The project's use of those of `keys` (`compute_cores`, `network_port`, ...) the mirror
    counts, by key; one query per model."""
    by_model: dict[type[Model], dict[str, Aggregate]] = {}
    for key in keys:
        if key in MIRROR_COUNTED:
            how = MIRROR_COUNTED[key]
            by_model.setdefault(how.model, {})[key] = how.aggregate()
    usage: dict[str, int] = {}
    for model, aggregates in by_model.items():
        counted = model._default_manager.filter(project_id=project_id).aggregate(**aggregates)
        usage.update({key: int(value or 0) for key, value in counted.items()})
    return usage


def _mirror_usage_of_outer_project(key: str) -> Expression:
    """`mirror_usage` of one key as a subquery on the outer query's `project_id`."""
    how = MIRROR_COUNTED[key]
    counted = (
        how.model._default_manager.filter(project_id=OuterRef("project_id"))
        .values("project_id")
        .annotate(used=how.aggregate())
        .values("used")
    )
    return Coalesce(Subquery(counted), Value(0))


def usage_level(percent: int | None) -> str:
    """Bootstrap colour of a share of a limit in use: danger at the limit, warning near it."""
    if percent is None:
        return "secondary"
    if percent >= 100:
        return "danger"
    return "warning" if percent >= WARNING_PERCENT else "success"


@dataclass(frozen=True)
class QuotaUsage:
    """One quota of one project as the mirror has it; `limit` -1 is unlimited, None not known
    yet (the quota sweep has not reached the project)."""

    resource: QuotaResource
    limit: int | None
    in_use: int
    reserved: int = 0

    @property
    def unlimited(self) -> bool:
        return self.limit is not None and self.limit < 0

    @property
    def percent(self) -> int | None:
        """Share of the limit in use (a limit of 0 is full); None when there is no limit."""
        if self.limit is None or self.limit < 0:
            return None
        return 100 if self.limit == 0 else self.in_use * 100 // self.limit

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)

    @property
    def level(self) -> str:
        return usage_level(self.percent)


class Headroom(NamedTuple):
    """`limit` and `left` are None when nothing limits the resource (unlimited, or not mirrored
    yet); otherwise `left` = limit - in use - reserved, never below 0."""

    limit: int | None
    in_use: int
    left: int | None


@dataclass(frozen=True)
class ProjectOverview:
    """What the Overview page shows of one project."""

    compute: list[QuotaUsage]
    network: list[QuotaUsage]
    running_instances: int
    allocated_floating_ips: int
    synced_at: datetime | None


def quota_usage_list(
    *, project_id: str, resources: tuple[QuotaResource, ...] = ALL_RESOURCES
) -> list[QuotaUsage]:
    """The project's usage of `resources`, in their order, from the mirror (the use of what it
    counts from its own rows, the rest from the quota sweep)."""
    rows = {
        (quota.service, quota.resource): quota
        for quota in Quota.objects.filter(project_id=project_id)
    }
    counted = mirror_usage(project_id=project_id, keys=[resource.key for resource in resources])
    usage = []
    for resource in resources:
        row = rows.get((resource.service, resource.resource))
        usage.append(
            QuotaUsage(
                resource=resource,
                limit=row.limit if row else None,
                in_use=counted.get(resource.key, row.in_use if row else 0),
                reserved=row.reserved if row else 0,
            )
        )
    return usage


def project_overview(*, project_id: str) -> ProjectOverview:
    """Compute and network usage against limits, running instances and allocated floating IPs
    of the project, from the mirror."""
    usage = quota_usage_list(project_id=project_id)
    synced = Quota.objects.filter(project_id=project_id).aggregate(at=Max("synced_at"))["at"]
    figures = mirror_usage(project_id=project_id, keys=[RUNNING_INSTANCES, ALLOCATED_FLOATING_IPS])
    return ProjectOverview(
        compute=usage[: len(COMPUTE_RESOURCES)],
        network=usage[len(COMPUTE_RESOURCES) :],
        running_instances=figures.get(RUNNING_INSTANCES, 0),
        allocated_floating_ips=figures.get(ALLOCATED_FLOATING_IPS, 0),
        synced_at=synced,
    )


def quota_headroom(*, project_id: str, service: str, resource: str) -> Headroom:
    """What is left of one quota of the project, per the mirror.

    `service` is "compute" or "network"; `resource` as its API names it ("instances", "cores",
    "ram", "network", "floatingip", ...). For a form that refuses a change that cannot fit, use
    `tenants.quotas.require_quota`, which words the refusal.
    """
    row = Quota.objects.filter(project_id=project_id, service=service, resource=resource).first()
    key = f"{service}_{resource}"
    in_use = mirror_usage(project_id=project_id, keys=[key]).get(key, row.in_use if row else 0)
    if row is None or row.limit < 0:
        return Headroom(limit=None, in_use=in_use, left=None)
    return Headroom(limit=row.limit, in_use=in_use, left=max(row.limit - in_use - row.reserved, 0))


def quota_default_list(*, service: str) -> list[QuotaUsage]:
    """The default limits of a service's shown resources (in_use is 0), from the mirror."""
    resources = COMPUTE_RESOURCES if service == COMPUTE else NETWORK_RESOURCES
    limits = dict(QuotaDefault.objects.filter(service=service).values_list("resource", "limit"))
    return [
        QuotaUsage(resource=resource, limit=limits.get(resource.resource), in_use=0)
        for resource in resources
    ]


def _percent(key: str) -> Expression:
    """SQL of `QuotaUsage.percent` of the row's `key`, or 0 where that is None: used * 100 /
    limit, 100 at a limit of 0, and at most 0 for no limit (unlimited, or none mirrored). Each
    figure's subquery appears once in it."""
    limit = Coalesce(F(f"{key}_limit"), Value(-1))
    used = Coalesce(F(f"{key}_used"), Value(0))
    return Coalesce(
        used * Value(100) / NullIf(limit, Value(0)), Value(100), output_field=IntegerField()
    )


def all_projects_quota_list() -> "QuerySet[Any, Any]":
    """Every mirrored project with quotas, its limit and use of the main resources, one dict per
    project (for administrators): `project_id`, `project_name`, `<key>_limit`, `<key>_used` per
    resource of `MAIN_RESOURCES` (counted as `quota_usage_list` counts). It filters and sorts by
    the alias `highest_use`, the highest share of a limit in use (percent; a row's own is
    `highest_use(row)`), which is in the SQL only when a filter or the order needs it.

    One row per project and no GROUP BY: each figure is a subquery evaluated once per project.
    """
    return _all_projects_quotas().all()


@cache
def _all_projects_quotas() -> "QuerySet[Any, Any]":
    """`all_projects_quota_list`'s queryset, built once per process and never evaluated itself.
    Its 14 figures are subqueries: building them took Django 3 ms, and compiling them again
    into SQL 3 to 4 ms a request, longer than the database took to run them. So each figure's
    SQL is compiled here, once, and the queryset holds it as `RawSQL`."""
    figures: dict[str, Any] = {}
    for resource in MAIN_RESOURCES:
        row = Quota.objects.filter(
            project_id=OuterRef("project_id"), service=resource.service, resource=resource.resource
        )
        figures[f"{resource.key}_limit"] = Subquery(row.values("limit")[:1])
        figures[f"{resource.key}_used"] = (
            _mirror_usage_of_outer_project(resource.key)
            if resource.key in MIRROR_COUNTED
            else Subquery(row.values("in_use")[:1])
        )
    projects = Project.objects.filter(
        Exists(Quota.objects.filter(project_id=OuterRef("project_id")))
    ).values("project_id")
    return (
        projects.annotate(
            project_name=F("name"), **_compiled(projects.annotate(**figures), figures)
        )
        .alias(highest_use=Greatest(Value(0), *(_percent(r.key) for r in MAIN_RESOURCES)))
        .order_by("project_name", "project_id")
    )


def _compiled(queryset: "QuerySet[Any, Any]", names: Iterable[str]) -> dict[str, RawSQL]:
    """The SQL of the queryset's annotations `names`, as compiled in it (their references to
    its rows included), each as a `RawSQL` of the same type."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    compiled: dict[str, RawSQL] = {}
    for name in names:
        annotation = queryset.query.annotations[name]
        sql, params = compiler.compile(annotation)
        compiled[name] = RawSQL(sql, tuple(params), output_field=annotation.output_field)
    return compiled


def highest_use(row: dict[str, Any]) -> int:
    """The highest share of a limit in use (percent, 0 when nothing is limited) of a row of
    `all_projects_quota_list`: what its `highest_use` alias sorts and filters by."""
    return max(
        (quota_resource_usage(row=row, resource=resource).percent or 0)
        for resource in MAIN_RESOURCES
    )


def quota_resource_usage(*, row: dict[str, Any], resource: QuotaResource) -> QuotaUsage:
    """One cell of `all_projects_quota_list`: the row's usage of `resource`."""
    return QuotaUsage(
        resource=resource,
        limit=row.get(f"{resource.key}_limit"),
        in_use=row.get(f"{resource.key}_used") or 0,
    )
