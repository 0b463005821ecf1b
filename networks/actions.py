"""The operations the networks app carries out, by name: each services module lists its own."""

from networks.services import floating_ips, networks, ports, routers, security_groups, subnets

ACTIONS = {
    **networks.ACTIONS,
    **subnets.ACTIONS,
    **ports.ACTIONS,
    **routers.ACTIONS,
    **floating_ips.ACTIONS,
    **security_groups.ACTIONS,
}
