"""The operations the networks app carries out, by name."""

from networks.services.floating_ips import floating_ip_create, floating_ip_delete
from networks.services.networks import network_create, network_delete

ACTIONS = {
    "networks.network_create": network_create,
    "networks.network_delete": network_delete,
    "networks.floating_ip_create": floating_ip_create,
    "networks.floating_ip_delete": floating_ip_delete,
}
