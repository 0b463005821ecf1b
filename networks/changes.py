"""Each networking change as the Operation engine takes it, shared by the pages and the API."""

from typing import Any

from networks.models import FloatingIP, Network

Change = dict[str, Any]


def create_network(data: dict[str, Any]) -> Change:
    return {
        "action": "networks.network_create",
        "description": f"Create network “{data['name']}”",
        "target_type": "network",
        "target_name": data["name"],
        "params": data,
    }


def delete_network(network: Network) -> Change:
    return {
        "action": "networks.network_delete",
        "description": f"Delete network “{network.name_or_id}”",
        "target_type": "network",
        "target_id": network.id,
        "target_name": network.name,
        "params": {"network_id": network.id},
    }


def allocate_floating_ip(data: dict[str, Any]) -> Change:
    return {
        "action": "networks.floating_ip_create",
        "description": "Allocate a floating IP",
        "target_type": "floating_ip",
        "params": data,
    }


def release_floating_ip(floating_ip: FloatingIP) -> Change:
    return {
        "action": "networks.floating_ip_delete",
        "description": f"Release floating IP {floating_ip.floating_ip_address}",
        "target_type": "floating_ip",
        "target_id": floating_ip.id,
        "target_name": floating_ip.floating_ip_address,
        "params": {"floating_ip_id": floating_ip.id},
    }
