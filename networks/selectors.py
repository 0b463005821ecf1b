"""Reads of the networking mirror, always scoped to the session's project."""

from django.db.models import Q, QuerySet

from networks.models import FloatingIP, Network


def network_list(*, project_id: str) -> QuerySet[Network]:
    """Networks the project sees: its own, shared ones and external ones."""
    return Network.objects.filter(
        Q(project_id=project_id) | Q(shared=True) | Q(router_external=True)
    ).order_by("name", "id")


def network_get_owned(*, project_id: str, network_id: str) -> Network | None:
    """The project's own network (one it may change), else None."""
    return Network.objects.filter(project_id=project_id, pk=network_id).first()


def external_network_list() -> QuerySet[Network]:
    """Networks floating IPs may be allocated from."""
    return Network.objects.filter(router_external=True).order_by("name")


def floating_ip_list(*, project_id: str) -> QuerySet[FloatingIP]:
    return FloatingIP.objects.filter(project_id=project_id).order_by("floating_ip_address")


def floating_ip_get(*, project_id: str, floating_ip_id: str) -> FloatingIP | None:
    return floating_ip_list(project_id=project_id).filter(pk=floating_ip_id).first()
