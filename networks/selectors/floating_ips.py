"""The project's floating IPs."""

from django.db.models import QuerySet

from networks.models import FloatingIP


def floating_ip_list(*, project_id: str) -> QuerySet[FloatingIP]:
    """The project's floating IPs with their external network, by address."""
    return (
        FloatingIP.objects.filter(project_id=project_id)
        .select_related("floating_network")
        .order_by("floating_ip_address")
    )


def floating_ip_get(*, project_id: str, pk: str) -> FloatingIP | None:
    """One of the project's floating IPs, else None."""
    return floating_ip_list(project_id=project_id).filter(pk=pk).first()
