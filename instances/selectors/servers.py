"""Reads of the compute mirror for servers: the project's servers, what relates to them (ports,
floating IPs, volumes), and what a launch may use (images, flavors, networks, ports, security
groups, availability zones) and consume (the compute quota)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections
from django.db.models import Count, Q, QuerySet

from dashboard.i18n import gettext_noop
from instances.models import Flavor, Image, ImageMember, Server
from networks.models import FloatingIP, Network, Port, SecurityGroup
from networks.selectors.access import shared_with
from tenants.models import Quota
from tenants.selectors.quotas import mirror_usage

# The compute quotas a launch consumes, as Nova names them: (table label, unit in a sentence),
# msgids the pages translate.
LAUNCH_QUOTAS = {
    "instances": (gettext_noop("Instances"), gettext_noop("instances")),
    "cores": (gettext_noop("vCPUs"), gettext_noop("vCPUs")),
    "ram": (gettext_noop("RAM (MiB)"), gettext_noop("MiB of RAM")),
}


def server_list(*, project_id: str) -> QuerySet[Server]:
    """The project's servers, newest first, with their image (one query for a page)."""
    return (
        Server.objects.filter(project_id=project_id)
        .select_related("image")
        .order_by("-created_at", "name")
    )


def server_get(*, project_id: str, pk: str) -> Server | None:
    """One of the project's servers, else None."""
    return server_list(project_id=project_id).filter(pk=pk).first()


def server_ports(*, project_id: str, server_id: str) -> QuerySet[Port]:
    """The server's ports (Neutron's `device_id`), with their network, in creation order."""
    return (
        Port.objects.filter(project_id=project_id, device_id=server_id)
        .select_related("network")
        .order_by("created_at", "id")
    )


def server_floating_ips(
    *, project_id: str, server_ids: Iterable[str]
) -> dict[str, dict[str, list[str]]]:
    """Floating IPs of these servers: server id -> fixed IP -> floating addresses (one query,
    its SQL compiled once per number of servers: building and compiling it took Django longer
    than PostgreSQL took to run it, under every instances page)."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    ids = list(server_ids)
    if not ids:
        return found
    sql, parameters = _server_floating_ips_sql(len(ids))
    values = {_PROJECT: project_id} | {
        f"{_SERVER}{n}": server_id for n, server_id in enumerate(ids)
    }
    with connections[FloatingIP.objects.db].cursor() as cursor:
        cursor.execute(sql, [values[parameter] for parameter in parameters])
        for server_id, fixed_ip, floating_ip in cursor.fetchall():
            found[server_id][fixed_ip].append(floating_ip)
    return found


# Stand-ins for `server_floating_ips`'s values while its SQL is compiled.
_PROJECT, _SERVER = "\0project", "\0server"


@lru_cache(maxsize=128)
def _server_floating_ips_sql(count: int) -> tuple[str, tuple[str, ...]]:
    """The SQL of `server_floating_ips` for `count` servers, and the stand-in of each of its
    parameters in order."""
    stand_ins = [f"{_SERVER}{n}" for n in range(count)]
    query = (
        FloatingIP.objects.filter(project_id=_PROJECT, port__device_id__in=stand_ins)
        .order_by("floating_ip_address")
        .values_list("port__device_id", "fixed_ip_address", "floating_ip_address")
        .query
    )
    sql, parameters = query.sql_with_params()
    assert {*parameters} == {_PROJECT, *stand_ins}, parameters  # every value is a stand-in
    return sql, tuple(parameters)


# ---- what a launch may use ---------------------------------------------------------------------


def launch_image_list(*, project_id: str) -> QuerySet[Image]:
    """Active images the project may boot, as Glance lists them to it: public ones, its own and
    those shared with it that it accepted (hidden ones left out)."""
    shared_with_it = ImageMember.objects.filter(project_id=project_id, status="accepted").values(
        "image_id"
    )
    return Image.objects.filter(
        Q(visibility="public")
        | Q(project_id=project_id)
        | Q(visibility="shared", id__in=shared_with_it),
        status="active",
        os_hidden=False,
    ).order_by("name", "id")


def launch_flavor_list(*, project_id: str) -> QuerySet[Flavor]:
    """Flavors the project may use: public ones and private ones granted to it."""
    return Flavor.objects.filter(Q(is_public=True) | Q(access__project_id=project_id)).distinct()


def launch_network_list(*, project_id: str) -> QuerySet[Network]:
    """Networks a server of the project can be plugged into: its own and those shared with it
    that have a subnet (Nova refuses a network without one)."""
    return (
        Network.objects.filter(Q(project_id=project_id) | shared_with(project_id=project_id))
        .annotate(subnet_count=Count("subnets"))
        .filter(subnet_count__gt=0)
        .order_by("name", "id")
    )


def launch_port_list(*, project_id: str) -> QuerySet[Port]:
    """The project's ports no server or router uses yet, which a new server may take."""
    return (
        Port.objects.filter(project_id=project_id, device_id="", device_owner="")
        .select_related("network")
        .order_by("name", "id")
    )


def launch_security_group_list(*, project_id: str) -> QuerySet[SecurityGroup]:
    """The project's own security groups."""
    return SecurityGroup.objects.filter(project_id=project_id).order_by("name", "id")


def availability_zone_names() -> list[str]:
    """Availability zones the mirror has seen servers in, each once, sorted (zone names are
    cloud-wide)."""
    # `order_by` replaces Server's default ordering, whose columns DISTINCT would otherwise take
    # in: one "nova" per server.
    return list(
        Server.objects.exclude(availability_zone="")
        .order_by("availability_zone")
        .values_list("availability_zone", flat=True)
        .distinct()
    )


# ---- what a launch consumes ------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    """One compute quota against a launch: what is used, what the launch needs, the limit."""

    resource: str
    label: str
    unit: str
    used: int
    needed: int
    limit: int  # -1: unlimited

    @property
    def unlimited(self) -> bool:
        return self.limit < 0

    @property
    def left(self) -> int | None:
        """What is free now, or None when unlimited."""
        return None if self.unlimited else max(self.limit - self.used, 0)

    @property
    def fits(self) -> bool:
        return self.unlimited or self.used + self.needed <= self.limit


def launch_quota(*, project_id: str, vcpus: int, ram: int, count: int) -> list[QuotaLine]:
    """The project's instance, vCPU and RAM quotas against a launch of `count` servers of this
    size; a quota the mirror does not know yet is left out (Nova still enforces it)."""
    needed = {"instances": count, "cores": count * vcpus, "ram": count * ram}
    quotas = Quota.objects.filter(
        project_id=project_id, service=Quota.Service.COMPUTE, resource__in=list(LAUNCH_QUOTAS)
    )
    by_resource = {quota.resource: quota for quota in quotas}
    counted = mirror_usage(
        project_id=project_id, keys=[f"{Quota.Service.COMPUTE}_{r}" for r in LAUNCH_QUOTAS]
    )
    return [
        QuotaLine(
            resource=resource,
            label=label,
            unit=unit,
            used=counted[f"{Quota.Service.COMPUTE}_{resource}"] + quota.reserved,
            needed=needed[resource],
            limit=quota.limit,
        )
        for resource, (label, unit) in LAUNCH_QUOTAS.items()
        if (quota := by_resource.get(resource)) is not None
    ]
