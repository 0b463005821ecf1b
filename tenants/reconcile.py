"""Observe Keystone projects, the Nova and Neutron quotas of each project and the default quotas;
write what changed.

Every function takes the dashboard's service (admin) connection. Full sweeps are complete
listings of their scope and alone delete rows; they never delete rows written after they started.
"""

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from dashboard.cloud.errors import CloudNotFound, CloudPermanentError, could_not, translated
from dashboard.cloud.identity import catalog_service_id, identity_proxy
from dashboard.i18n import Message, gettext_noop
from dashboard.mirror.reconcile import (
    Observed,
    in_project,
    reconcile_objects,
    sync_listing,
    sync_targeted,
)
from dashboard.mirror.sync import SyncResult
from tenants.models import Project, Quota, QuotaDefault

KEYSTONE = "Keystone"
NOVA = "Nova"
NEUTRON = "Neutron"
COMPUTE = Quota.Service.COMPUTE.value
NETWORK = Quota.Service.NETWORK.value
ALL_SERVICES = (COMPUTE, NETWORK)


# ---- projects ---------------------------------------------------------------------------------


def project_fields_from_cloud(project: Any) -> dict[str, Any]:
    """Mirror fields of an SDK (Keystone v3) Project; its `project_id` is its own id."""
    return {
        "project_id": project.id,
        "name": project.name or "",
        "domain_id": project.domain_id or "",
        "parent_id": project.parent_id or "",
        "enabled": bool(project.is_enabled),
        "description": project.description or "",
        "tags": sorted(project.tags or []),
    }


def reconcile_projects(*, conn: Any, ids: list[str] | None = None) -> SyncResult:
    """Mirror Keystone projects: all of them, or those `ids` (404 deletes that row).

    Idempotent; raises CloudError when Keystone cannot be read.
    """
    # Keystone does not page project listings. When an operator sets `[DEFAULT] list_limit`, it
    # truncates them with `"truncated": true`, which openstacksdk does not pass on.
    return reconcile_objects(
        model=Project,
        noun="project",
        plural="the projects",
        service=KEYSTONE,
        list_objects=conn.identity.projects,
        get_object=conn.identity.get_project,
        fields_from_cloud=project_fields_from_cloud,
        ids=ids,
    )


# ---- quotas -----------------------------------------------------------------------------------


def quota_id(*, project_id: str, service: str, resource: str) -> str:
    """The mirror id of one quota: quotas have no OpenStack id."""
    return f"{project_id}:{service}:{resource}"


def _quota_row(
    *, project_id: str, service: str, resource: str, limit: int, in_use: int, reserved: int
) -> tuple[str, dict[str, Any]]:
    return quota_id(project_id=project_id, service=service, resource=resource), {
        "project_id": project_id,
        "service": service,
        "resource": resource,
        "limit": limit,
        "in_use": in_use,
        "reserved": reserved,
    }


def compute_quota_fields_from_cloud(quota_set: Any, *, project_id: str) -> Observed:
    """Quota rows (id -> fields) from an SDK compute QuotaSet fetched with `usage=True`.

    The SDK splits Nova's `{limit, in_use, reserved}` per resource into the resource attribute
    (limit), `usage` and `reservation`; resources are named as Nova names them.
    """
    limits = quota_set.to_dict(
        body=True, headers=False, computed=False, ignore_none=True, original_names=True
    )
    usage: dict[str, Any] = quota_set.usage or {}
    reservation: dict[str, Any] = quota_set.reservation or {}
    return dict(
        _quota_row(
            project_id=project_id,
            service=COMPUTE,
            resource=resource,
            limit=limits[resource],
            in_use=int(in_use or 0),
            reserved=int(reservation.get(resource) or 0),
        )
        for resource, in_use in usage.items()
        if isinstance(limits.get(resource), int)
    )


def network_quota_fields_from_cloud(quota: Any, *, project_id: str) -> Observed:
    """Quota rows (id -> fields) of the limits in an SDK network Quota (a project's, or
    the defaults), named as Neutron names them (`floatingip`, `security_group_rule`). Their use
    is counted from the mirror (`tenants.usage`: every network resource the pages show), so
    `in_use` stays 0 and the rows change only when a limit does."""
    return dict(
        _quota_row(
            project_id=project_id,
            service=NETWORK,
            resource=resource,
            limit=limit,
            in_use=0,
            reserved=0,
        )
        for resource, limit in _integer_fields(quota).items()
    )


def _compute_quotas(*, conn: Any, project_id: str) -> Observed:
    doing = Message(gettext_noop("read the compute quotas of project %(id)s"), {"id": project_id})
    with translated(doing=doing, service=NOVA):
        quota_set = conn.compute.get_quota_set(project_id, usage=True)
    return compute_quota_fields_from_cloud(quota_set, project_id=project_id)


# Nova's quota names of the Keystone unified-limits resources Nova reads
# (https://docs.openstack.org/nova/latest/admin/unified-limits.html).
NOVA_UNIFIED_LIMITS = {
    "servers": "instances",
    "class:VCPU": "cores",
    "class:MEMORY_MB": "ram",
    "server_key_pairs": "key_pairs",
    "server_groups": "server_groups",
    "server_group_members": "server_group_members",
    "server_metadata_items": "metadata_items",
}


def compute_service_id(*, conn: Any) -> str:
    """Keystone's id of the compute service, which owns Nova's unified limits, from the token's
    catalog; raises CloudNotFound when it has none."""
    service_id = catalog_service_id(conn, "compute")
    if service_id is None:
        raise CloudNotFound(
            could_not(
                gettext_noop("find the compute service in Keystone's catalog"),
                gettext_noop(
                    "unified limits belong to it, and the catalog has none. Ask the cloud's "
                    "operators whether Nova is registered"
                ),
            )
        )
    return service_id


def nova_registered_limits(*, conn: Any, service_id: str) -> dict[str, Any]:
    """Keystone's registered limits of the compute service, by resource name."""
    with translated(doing=gettext_noop("read Nova's registered limits"), service=KEYSTONE):
        return {
            limit.resource_name: limit
            for limit in conn.identity.registered_limits(service_id=service_id)
        }


class LimitSources:
    """The cloud's sources of quota limits that a sweep of every project and its default quotas
    both read: each is read at most once per instance (one sweep)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @cached_property
    def network_defaults(self) -> Any:
        """Neutron's default network quotas (it answers a project's defaults, which are the same
        for every project)."""
        with translated(doing=gettext_noop("read the default network quotas"), service=NEUTRON):
            return self.conn.network.get_quota_default(self.conn.current_project_id)

    @cached_property
    def nova_service_id(self) -> str:
        return compute_service_id(conn=self.conn)

    @cached_property
    def nova_registered(self) -> dict[str, int]:
        """Keystone's registered (default) limit of each of Nova's unified-limits resources, by
        Nova's quota name."""
        registered = nova_registered_limits(conn=self.conn, service_id=self.nova_service_id)
        return {
            NOVA_UNIFIED_LIMITS[name]: int(limit.default_limit)
            for name, limit in registered.items()
            if name in NOVA_UNIFIED_LIMITS
        }

    def nova_limits(self, project_id: str | None = None) -> dict[tuple[str, str], int]:
        """The project limits Keystone holds of Nova's resources, by (project, Nova's quota
        name): of one project, or of every project in one listing. A resource a project has
        none of has its registered limit."""
        doing = (
            Message(gettext_noop("list the compute limits of every project"))
            if project_id is None
            else Message(
                gettext_noop("list the compute limits of project %(id)s"), {"id": project_id}
            )
        )
        with translated(doing=doing, service=KEYSTONE):
            limits = identity_proxy(self.conn).limits(
                service_id=self.nova_service_id,
                **({} if project_id is None else {"project_id": project_id}),
            )
            return {
                (limit.project_id, NOVA_UNIFIED_LIMITS[limit.resource_name]): int(
                    limit.resource_limit
                )
                for limit in limits
                if limit.project_id and limit.resource_name in NOVA_UNIFIED_LIMITS
            }


def _network_quotas(*, sources: LimitSources, project_ids: list[str]) -> Observed:
    """The network limits of these projects: one's in one call; of more, Neutron lists the
    projects whose limits differ from the defaults all at once, and the rest have the defaults
    (two calls in all)."""
    conn = sources.conn
    if len(project_ids) == 1:
        [only] = project_ids
        doing = Message(gettext_noop("read the network quotas of project %(id)s"), {"id": only})
        with translated(doing=doing, service=NEUTRON):
            return network_quota_fields_from_cloud(conn.network.get_quota(only), project_id=only)
    with translated(
        doing=gettext_noop("list the network quotas of every project"), service=NEUTRON
    ):
        overrides = {quota.project_id: quota for quota in conn.network.quotas()}
    observed: Observed = {}
    for each in project_ids:
        quota = overrides.get(each, sources.network_defaults)
        observed.update(network_quota_fields_from_cloud(quota, project_id=each))
    return observed


def _unified_limit_rows(
    *, sources: LimitSources, project_id: str | None, read: Observed, project_ids: list[str]
) -> tuple[Observed, Observed]:
    """Under unified limits, the compute limits Keystone sets applied: to `read` (the rows just
    read from Nova, returned with Keystone's limits), and to the mirror's rows of the other
    projects in `project_ids` whose limit Keystone now sets otherwise (returned second, in full,
    usage as last read)."""
    limits = sources.nova_limits(project_id)
    registered = sources.nova_registered

    def limit_of(project: str, resource: str) -> int | None:
        return limits.get((project, resource), registered.get(resource))

    applied: Observed = {}
    for row_id, fields in read.items():
        limit = limit_of(fields["project_id"], fields["resource"])
        applied[row_id] = fields if limit is None else {**fields, "limit": limit}
    read_projects = {fields["project_id"] for fields in read.values()}
    changed: Observed = {}
    for row in Quota.objects.filter(service=COMPUTE, project_id__in=project_ids).exclude(
        project_id__in=read_projects
    ):
        limit = limit_of(row.project_id, row.resource)
        if limit is not None and limit != row.limit:
            row_id, fields = _quota_row(
                project_id=row.project_id,
                service=COMPUTE,
                resource=row.resource,
                limit=limit,
                in_use=row.in_use,
                reserved=row.reserved,
            )
            changed[row_id] = fields
    return applied, changed


def _project_exists(*, conn: Any, project_id: str) -> bool:
    try:
        doing = Message(gettext_noop("read project %(id)s"), {"id": project_id})
        with translated(doing=doing, service=KEYSTONE):
            conn.identity.get_project(project_id)
    except CloudNotFound:
        return False
    return True


def compute_quotas_due(*, project_ids: list[str], at_most: int | None) -> list[str]:
    """The projects whose compute quotas a sweep reads: those the mirror has none of, and of the
    others the `at_most` read longest ago (None: all)."""
    read = dict(
        Quota.objects.filter(service=COMPUTE, project_id__in=project_ids)
        .values("project_id")
        .annotate(oldest=Min("synced_at"))
        .values_list("project_id", "oldest")
    )
    unread = [each for each in project_ids if each not in read]
    oldest_first = sorted(read, key=lambda each: read[each])
    return unread + (oldest_first if at_most is None else oldest_first[:at_most])


def reconcile_quotas(
    *,
    conn: Any,
    project_id: str | None = None,
    services: Iterable[str] = ALL_SERVICES,
    compute_projects_at_most: int | None = None,
    sources: LimitSources | None = None,
) -> SyncResult:
    """Mirror the limits (and Nova's usage) of `services` quotas of one project, or of every
    project; the rows of projects Keystone no longer has are deleted.

    Neutron lists every project's limits in one call, and so does Keystone under unified limits
    (settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS): a limit changed outside shows with the next
    sweep. Nova's legacy quotas have no such listing, so a sweep makes one call per project read:
    all of them, or with `compute_projects_at_most` the projects the mirror has no compute quotas
    of and that many of the others, those read longest ago (under unified limits, those reads
    bring Nova's usage; the limits of every project come from Keystone). `sources` shares reads
    with a sweep of the default quotas. Idempotent; raises CloudError.
    """
    services = tuple(services)
    sources = sources or LimitSources(conn)
    started = timezone.now()
    if project_id is not None:
        project_ids = [project_id]
    else:
        with translated(doing=gettext_noop("list the projects"), service=KEYSTONE):
            project_ids = [project.id for project in conn.identity.projects()]
    observed: Observed = {}
    changed_limits: Observed = {}
    scope = Q(pk__in=[])
    if NETWORK in services:
        observed.update(_network_quotas(sources=sources, project_ids=project_ids))
        scope |= Q(service=NETWORK)
    if COMPUTE in services:
        due = compute_quotas_due(project_ids=project_ids, at_most=compute_projects_at_most)
        read: Observed = {}
        for each in due:
            try:
                read.update(_compute_quotas(conn=conn, project_id=each))
            except CloudPermanentError:
                # Deleted since it was listed (Nova answers 400): its rows go with this sweep.
                # Anything else about a project that still exists is an error.
                if project_id is not None or _project_exists(conn=conn, project_id=each):
                    raise
        if settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS:
            read, changed_limits = _unified_limit_rows(
                sources=sources, project_id=project_id, read=read, project_ids=project_ids
            )
        observed.update(read)
        # The projects read, and those Keystone no longer has.
        scope |= Q(service=COMPUTE) & (Q(project_id__in=due) | ~Q(project_id__in=project_ids))
    result = sync_listing(
        model=Quota, observed=observed, started=started, scope=scope & in_project(project_id)
    )
    if changed_limits:
        result += sync_targeted(model=Quota, observed=changed_limits)
    return result


# ---- default quotas ---------------------------------------------------------------------------


def _default_row(*, service: str, resource: str, limit: int) -> tuple[str, dict[str, Any]]:
    return f"{service}:{resource}", {"service": service, "resource": resource, "limit": limit}


def _integer_fields(resource: Any) -> dict[str, int]:
    values = resource.to_dict(
        body=True, headers=False, computed=False, ignore_none=True, original_names=True
    )
    return {
        name: value
        for name, value in values.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


def reconcile_quota_defaults(*, conn: Any, sources: LimitSources | None = None) -> SyncResult:
    """Mirror the default limits: Nova's quota class `default` (with unified limits, Keystone's
    registered limits of Nova instead) and Neutron's defaults; `sources` shares reads with a
    sweep of every project's quotas. Complete; idempotent; raises CloudError."""
    sources = sources or LimitSources(conn)
    started = timezone.now()
    observed: Observed = {}
    if settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS:
        compute = sources.nova_registered
    else:
        with translated(doing=gettext_noop("read the default compute quotas"), service=NOVA):
            compute = _integer_fields(conn.compute.get_quota_class_set("default"))
    network = _integer_fields(sources.network_defaults)
    for service, limits in ((COMPUTE, compute), (NETWORK, network)):
        observed.update(
            _default_row(service=service, resource=resource, limit=limit)
            for resource, limit in limits.items()
        )
    return sync_listing(model=QuotaDefault, observed=observed, started=started)


def reconcile_every_quota(
    *, conn: Any, compute_projects_at_most: int | None = None
) -> dict[str, SyncResult]:
    """A sweep of every project's quotas (`reconcile_quotas`) and of the default quotas, which
    share their reads of the cloud. Idempotent; raises CloudError."""
    sources = LimitSources(conn)
    return {
        "quotas": reconcile_quotas(
            conn=conn, compute_projects_at_most=compute_projects_at_most, sources=sources
        ),
        "quota_defaults": reconcile_quota_defaults(conn=conn, sources=sources),
    }
