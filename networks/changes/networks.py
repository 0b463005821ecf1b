"""Network changes."""

from typing import Any

from networks.changes import Change
from networks.models import Network


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
