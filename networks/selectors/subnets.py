"""Reads of the subnets and subnet pools mirror, scoped to a project."""

from django.db.models import Q, QuerySet

from networks.models import Port, Subnet, SubnetPool
from networks.selectors.access import shared_with, shared_with_project


def subnet_list(*, project_id: str) -> QuerySet[Subnet]:
    """The project's own subnets with their network, by network then name."""
    return (
        Subnet.objects.filter(project_id=project_id)
        .select_related("network")
        .order_by("network__name", "name", "id")
    )


def subnet_get(*, project_id: str, pk: str) -> Subnet | None:
    """One of the project's subnets, else None."""
    return subnet_list(project_id=project_id).filter(pk=pk).first()


def network_subnet_list(*, network_id: str) -> QuerySet[Subnet]:
    """The subnets of one network (the caller has checked the project sees the network)."""
    return Subnet.objects.filter(network_id=network_id).order_by("ip_version", "cidr")


def subnets_that_must_not_overlap(*, project_id: str, network_id: str) -> list[Subnet]:
    """Subnets a new subnet on `network_id` must not overlap: the network's own, and those of
    every router the network is attached to (Neutron refuses to route overlapping subnets)."""
    router_ids = (
        Port.objects.router_interfaces()
        .filter(network_id=network_id)
        .values_list("device_id", flat=True)
    )
    routed_subnet_ids = {
        ip["subnet_id"]
        for fixed_ips in Port.objects.router_interfaces()
        .filter(device_id__in=list(router_ids), project_id=project_id)
        .values_list("fixed_ips", flat=True)
        for ip in fixed_ips
    }
    return list(
        Subnet.objects.filter(Q(network_id=network_id) | Q(pk__in=routed_subnet_ids)).order_by(
            "cidr"
        )
    )


def subnet_pool_list(*, project_id: str) -> QuerySet[SubnetPool]:
    """Subnet pools the project may take a CIDR from: its own and those shared with it, with
    `shared_with_project`: Neutron's `shared` as the project reads it."""
    scope = {"project_id": project_id, "object_type": "subnetpool"}
    return (
        SubnetPool.objects.filter(Q(project_id=project_id) | shared_with(**scope))
        .annotate(shared_with_project=shared_with_project(**scope))
        .order_by("ip_version", "name", "id")
    )


def subnet_pool_get(*, project_id: str, pk: str) -> SubnetPool | None:
    """A subnet pool the project may use, else None."""
    return subnet_pool_list(project_id=project_id).filter(pk=pk).first()
