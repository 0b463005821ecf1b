"""Networks a project sees: its own, shared ones and external ones."""

from django.db.models import Count, Q, QuerySet

from networks.models import Network


def network_list(*, project_id: str) -> QuerySet[Network]:
    """Networks the project sees (own, shared, external), with their subnet count."""
    return (
        Network.objects.filter(Q(project_id=project_id) | Q(shared=True) | Q(router_external=True))
        .annotate(subnet_count=Count("subnets", distinct=True))
        .order_by("name", "id")
    )


def network_get(*, project_id: str, pk: str) -> Network | None:
    """A network the project sees, else None."""
    return network_list(project_id=project_id).filter(pk=pk).first()


def network_get_owned(*, project_id: str, pk: str) -> Network | None:
    """The project's own network (one it may change), else None."""
    return Network.objects.filter(project_id=project_id, pk=pk).first()


def external_network_list() -> QuerySet[Network]:
    """Networks floating IPs and router gateways may use; external networks are visible to all."""
    return Network.objects.filter(router_external=True).order_by("name")
