"""Subnet changes; a subnet's attributes as Neutron takes them, from a subnet form's data."""

from typing import Any

from dashboard.operations.services import OperationRefused
from networks.changes import Change
from networks.models import Subnet
from networks.selectors.networks import ports_in_use, ports_in_use_label


def subnet_address_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """Gateway, DHCP, pools, DNS servers and host routes, as Neutron names them. An empty gateway
    without "no gateway" is left out (Neutron takes the subnet's first address)."""
    attributes: dict[str, Any] = {
        "enable_dhcp": data["enable_dhcp"],
        "dns_nameservers": data["dns_nameservers"],
        "host_routes": data["host_routes"],
    }
    if data["no_gateway"]:
        attributes["gateway_ip"] = None
    elif data["gateway_ip"]:
        attributes["gateway_ip"] = data["gateway_ip"]
    if data["allocation_pools"]:
        attributes["allocation_pools"] = data["allocation_pools"]
    return attributes


def subnet_create_attributes(data: dict[str, Any], *, name: str) -> dict[str, Any]:
    """Everything a new subnet is created with (its network aside), from a subnet form's data."""
    attributes: dict[str, Any] = {
        "name": name,
        "ip_version": data["ip_version"],
        **subnet_address_attributes(data),
    }
    if data["cidr"]:
        attributes["cidr"] = data["cidr"]
    else:
        attributes["subnetpool_id"] = data["subnetpool_id"]
        attributes["prefixlen"] = data["prefixlen"]
    for mode in ("ipv6_ra_mode", "ipv6_address_mode"):
        if data[mode]:
            attributes[mode] = data[mode]
    return attributes


def subnet_label(data: dict[str, Any]) -> str:
    """How a new subnet is named before Neutron gives it a CIDR: its name, CIDR or pool."""
    return str(data["name"] or data["cidr"] or f"a /{data['prefixlen']} from a pool")


def create_subnet(data: dict[str, Any]) -> Change:
    label = subnet_label(data)
    return {
        "action": "networks.subnet_create",
        "description": f"Create subnet “{label}”",
        "target_type": "subnet",
        "target_name": label,
        "params": {
            "network_id": data["network_id"],
            "description": data["description"],
            "attributes": subnet_create_attributes(data, name=data["name"]),
        },
    }


def update_subnet(subnet: Subnet, data: dict[str, Any]) -> Change:
    return {
        "action": "networks.subnet_update",
        "description": f"Edit subnet “{subnet.name_or_id}”",
        "target_type": "subnet",
        "target_id": subnet.id,
        "target_name": subnet.name or subnet.cidr,
        "params": {
            "subnet_id": subnet.id,
            "revision_number": subnet.revision_number,
            "changes": {
                "name": data["name"],
                "description": data["description"],
                **subnet_address_attributes(data),
            },
        },
    }


def delete_subnet(subnet: Subnet) -> Change:
    """Refused before any cloud call while the mirror shows ports with addresses on it."""
    if subnet.network_id and (
        blocking := ports_in_use(
            project_id=subnet.project_id, network_id=subnet.network_id, subnet_id=subnet.id
        )
    ):
        raise OperationRefused(
            f"Subnet “{subnet.name or subnet.cidr}” still has addresses in use by "
            f"{ports_in_use_label(blocking)}. Delete those ports, or remove the "
            "router interfaces and instances' addresses on it, then delete the subnet."
        )
    return {
        "action": "networks.subnet_delete",
        "description": f"Delete subnet “{subnet.name or subnet.cidr}”",
        "target_type": "subnet",
        "target_id": subnet.id,
        "target_name": subnet.name or subnet.cidr,
        "params": {"subnet_id": subnet.id},
    }
