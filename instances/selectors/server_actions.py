"""Reads the server action forms need, scoped to the project: what a server may be resized to,
and which security groups it has or may get."""

from django.db.models import QuerySet

from instances.models import Flavor, Server
from instances.selectors.servers import launch_flavor_list, server_ports
from networks.models import SecurityGroup


def resize_flavor_list(*, project_id: str, server: Server) -> QuerySet[Flavor]:
    """Flavors the project may use, except the one the server has now."""
    return launch_flavor_list(project_id=project_id).exclude(name=server.flavor_name)


def server_security_group_ids(*, project_id: str, server_id: str) -> list[str]:
    """The security groups the server's ports have, according to the mirror."""
    groups: set[str] = set()
    for port in server_ports(project_id=project_id, server_id=server_id):
        groups.update(port.security_group_ids)
    return sorted(groups)


def server_security_group_list(*, project_id: str) -> QuerySet[SecurityGroup]:
    """The project's own security groups, which its servers may use."""
    return SecurityGroup.objects.filter(project_id=project_id).order_by("name", "id")
