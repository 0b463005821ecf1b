"""Network changes."""

from typing import Any

from dashboard.operations.services import OperationRefused
from networks.changes import Change
from networks.changes.subnets import subnet_create_attributes
from networks.models import Network
from networks.selectors.networks import ports_in_use, ports_in_use_label

# Form fields -> Neutron's attribute names; a field the form left out (refused by policy) is not
# sent, nor is an empty optional one.
NETWORK_ATTRIBUTES = {
    "admin_state_up": "admin_state_up",
    "mtu": "mtu",
    "port_security_enabled": "port_security_enabled",
    "shared": "shared",
    "router_external": "router:external",
    "provider_network_type": "provider:network_type",
    "provider_physical_network": "provider:physical_network",
    "provider_segmentation_id": "provider:segmentation_id",
}


def network_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """The network attributes the form's data sets, as Neutron names them."""
    return {
        attribute: data[field]
        for field, attribute in NETWORK_ATTRIBUTES.items()
        if field in data and data[field] not in (None, "")
    }


def create_network(data: dict[str, Any]) -> Change:
    """A network, and its first subnet when the form gave a CIDR or a subnet pool."""
    params: dict[str, Any] = {
        "name": data["name"],
        "description": data.get("description", ""),
        "attributes": network_attributes(data),
    }
    if data.get("with_subnet"):
        params["subnet"] = subnet_create_attributes(data, name=data["subnet_name"])
    return {
        "action": "networks.network_create",
        "description": f"Create network “{data['name']}”"
        + (" with a subnet" if "subnet" in params else ""),
        "target_type": "network",
        "target_name": data["name"],
        "params": params,
    }


def update_network(network: Network, data: dict[str, Any]) -> Change:
    return {
        "action": "networks.network_update",
        "description": f"Edit network “{network.name_or_id}”",
        "target_type": "network",
        "target_id": network.id,
        "target_name": network.name,
        "params": {
            "network_id": network.id,
            "revision_number": network.revision_number,
            "changes": {
                "name": data["name"],
                "description": data["description"],
                **network_attributes(data),
            },
        },
    }


def delete_network(network: Network) -> Change:
    """Refused before any cloud call while the mirror shows ports in use on the network."""
    if blocking := ports_in_use(project_id=network.project_id, network_id=network.id):
        raise OperationRefused(
            f"Network “{network.name_or_id}” still has ports in use: "
            f"{ports_in_use_label(blocking)}. Delete those ports, or detach them "
            "from their instances and routers, then delete the network."
        )
    return {
        "action": "networks.network_delete",
        "description": f"Delete network “{network.name_or_id}”",
        "target_type": "network",
        "target_id": network.id,
        "target_name": network.name,
        "params": {"network_id": network.id},
    }
