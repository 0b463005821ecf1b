"""Reads the server action forms need, scoped to the project: what a server may be resized to,
plugged into, and which floating IPs and addresses it has or may get."""

import ipaddress

from django.db.models import QuerySet

from instances.models import Flavor, Server
from instances.selectors.servers import launch_flavor_list, server_ports
from networks.models import FloatingIP, Port, SecurityGroup


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


def server_fixed_addresses(*, project_id: str, server_id: str) -> list[tuple[Port, str]]:
    """(port, IPv4 address) of each of the server's addresses a floating IP may map to."""
    return [
        (port, fixed["ip_address"])
        for port in server_ports(project_id=project_id, server_id=server_id)
        for fixed in port.fixed_ips
        if ipaddress.ip_address(fixed["ip_address"]).version == 4
    ]


def free_floating_ip_list(*, project_id: str) -> QuerySet[FloatingIP]:
    """The project's floating IPs mapped to nothing, by address."""
    return FloatingIP.objects.filter(project_id=project_id, port__isnull=True).order_by(
        "floating_ip_address"
    )


def server_floating_ip_list(*, project_id: str, server_id: str) -> QuerySet[FloatingIP]:
    """The project's floating IPs mapped to one of the server's ports, by address."""
    return FloatingIP.objects.filter(project_id=project_id, port__device_id=server_id).order_by(
        "floating_ip_address"
    )
