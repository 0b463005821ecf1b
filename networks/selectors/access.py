"""What Neutron's default policy lets a project see of what other projects own, as filters.

- A network: its own, or one an RBAC entry grants it (or every project, `*`) as
  `access_as_shared` or `access_as_external`. A network is `shared` for the project only when an
  `access_as_shared` entry names it or `*` (its owner sees a network shared with one other
  project as not shared). Subnets follow their network. Subnet pools alike, shared only.
- A port: its own, or any port on one of its own networks (the network owner reads them all);
  never another project's port on a shared or external network.

Routers, floating IPs, servers and security groups are never seen across projects.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from networks.devices import instance_reads
from networks.models import RBACPolicy

ACCESS_AS_SHARED = "access_as_shared"
ACCESS_AS_EXTERNAL = "access_as_external"


def _grants(*, project_id: str, object_type: str, actions: tuple[str, ...]) -> QuerySet[RBACPolicy]:
    """The RBAC entries that give the project (or every project) one of `actions`."""
    return RBACPolicy.objects.filter(
        object_type=object_type, action__in=actions, target_project_id__in=[project_id, "*"]
    )


def visible_networks(*, project_id: str) -> Q:
    """Networks the project sees: its own, and those shared or exposed as external to it."""
    granted = _grants(
        project_id=project_id,
        object_type="network",
        actions=(ACCESS_AS_SHARED, ACCESS_AS_EXTERNAL),
    )
    return Q(project_id=project_id) | Q(pk__in=granted.values("object_id"))


def shared_with(*, project_id: str, object_type: str = "network") -> Q:
    """Networks (or subnet pools: `object_type` "subnetpool") shared with the project, whose
    `shared` the project reads as true."""
    granted = _grants(project_id=project_id, object_type=object_type, actions=(ACCESS_AS_SHARED,))
    return Q(pk__in=granted.values("object_id"))


def shared_with_project(*, project_id: str, object_type: str = "network") -> Exists:
    """An annotation: whether the network (or subnet pool) is shared with the project, which is
    its `shared` as the project reads it."""
    granted = _grants(project_id=project_id, object_type=object_type, actions=(ACCESS_AS_SHARED,))
    return Exists(granted.filter(object_id=OuterRef("pk")))


def visible_external_networks(*, project_id: str) -> Q:
    """External networks the project sees (for router gateways and floating IPs)."""
    return Q(router_external=True) & visible_networks(project_id=project_id)


def visible_ports(*, project_id: str) -> Q:
    """Ports the project reads: its own, and every port on a network it owns."""
    return Q(project_id=project_id) | Q(network__project_id=project_id)


def own_server_name(*, project_id: str, device_field: str = "device_id") -> Subquery:
    """An annotation: the name of the project's instance that `device_field` names (null when
    the device is no instance of the project's, whoever's it is)."""
    return instance_reads().name_annotation(project_id=project_id, device_field=device_field)
