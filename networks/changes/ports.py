"""Port changes."""

from typing import Any

from dashboard.operations.services import OperationRefused
from networks.changes import Change
from networks.models import Port
from networks.selectors.ports import port_delete_refusal


def create_port(data: dict[str, Any]) -> Change:
    label = data["name"] or "(unnamed)"
    return {
        "action": "networks.port_create",
        "description": f"Create port “{label}”",
        "target_type": "port",
        "target_name": data["name"],
        "params": data,
    }


def update_port(port: Port, data: dict[str, Any]) -> Change:
    return {
        "action": "networks.port_update",
        "description": f"Change port “{port.name_or_id}”",
        "target_type": "port",
        "target_id": port.id,
        "target_name": port.name,
        "params": {
            **data,
            "port_id": port.id,
            "network_id": port.network_id,
            "revision_number": port.revision_number,
        },
    }


def delete_port(port: Port) -> Change:
    """Raises OperationRefused for a port its owner (instance, router, Neutron) manages."""
    refusal = port_delete_refusal(port=port)
    if refusal:
        raise OperationRefused(refusal)
    return {
        "action": "networks.port_delete",
        "description": f"Delete port “{port.name_or_id}”",
        "target_type": "port",
        "target_id": port.id,
        "target_name": port.name,
        "params": {"port_id": port.id},
    }
