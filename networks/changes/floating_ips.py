"""Floating IP changes, port forwardings included."""

from typing import Any

from dashboard.operations.services import OperationRefused
from networks.changes import Change
from networks.models import FloatingIP, PortForwarding


def allocate_floating_ip(data: dict[str, Any]) -> Change:
    address = data.get("floating_ip_address")
    return {
        "action": "networks.floating_ip_create",
        "description": f"Allocate floating IP {address}" if address else "Allocate a floating IP",
        "target_type": "floating_ip",
        "target_name": address or "",
        "params": data,
    }


def associate_floating_ip(floating_ip: FloatingIP, data: dict[str, Any]) -> Change:
    label = data["port_name"] or data["port_id"]
    return {
        "action": "networks.floating_ip_associate",
        "description": (
            f"Associate floating IP {floating_ip.floating_ip_address} to port “{label}” "
            f"({data['fixed_ip_address']})"
        ),
        "target_type": "floating_ip",
        "target_id": floating_ip.id,
        "target_name": floating_ip.floating_ip_address,
        "params": {**data, "floating_ip_id": floating_ip.id},
    }


def disassociate_floating_ip(floating_ip: FloatingIP) -> Change:
    """Raises OperationRefused when the floating IP is not associated."""
    if not floating_ip.port_id:
        raise OperationRefused(
            f"Floating IP {floating_ip.floating_ip_address} is not associated to any port."
        )
    return {
        "action": "networks.floating_ip_disassociate",
        "description": f"Disassociate floating IP {floating_ip.floating_ip_address}",
        "target_type": "floating_ip",
        "target_id": floating_ip.id,
        "target_name": floating_ip.floating_ip_address,
        "params": {"floating_ip_id": floating_ip.id},
    }


def release_floating_ip(floating_ip: FloatingIP) -> Change:
    """Raises OperationRefused when the mirror shows port forwardings on the floating IP, which
    Neutron refuses to release (409 FipInUseByPortForwarding)."""
    if forwardings := floating_ip.port_forwardings.count():
        raise OperationRefused(release_refusal(floating_ip, forwardings))
    return {
        "action": "networks.floating_ip_delete",
        "description": f"Release floating IP {floating_ip.floating_ip_address}",
        "target_type": "floating_ip",
        "target_id": floating_ip.id,
        "target_name": floating_ip.floating_ip_address,
        "params": {"floating_ip_id": floating_ip.id},
    }


def release_refusal(floating_ip: FloatingIP, forwardings: int) -> str:
    """Why a floating IP with `forwardings` port forwardings cannot be released."""
    rules = "a port forwarding" if forwardings == 1 else f"{forwardings} port forwardings"
    return (
        f"Floating IP {floating_ip.floating_ip_address} has {rules}, and Neutron releases only "
        "a floating IP without any. Delete its port forwardings on its page first, then "
        "release it."
    )


def create_port_forwarding(floating_ip: FloatingIP, data: dict[str, Any]) -> Change:
    """The operation's target is the floating IP: one change to its rules at a time."""
    return {
        "action": "networks.port_forwarding_create",
        "description": (
            f"Forward {data['protocol']} port {data['external_port']} of floating IP "
            f"{floating_ip.floating_ip_address} to {data['internal_ip_address']}:"
            f"{data['internal_port']}"
        ),
        "target_type": "floating_ip",
        "target_id": floating_ip.id,
        "target_name": floating_ip.floating_ip_address,
        "params": {**data, "floating_ip_id": floating_ip.id},
    }


def delete_port_forwarding(rule: PortForwarding) -> Change:
    floating_ip = rule.floating_ip
    address = floating_ip.floating_ip_address if floating_ip else rule.floating_ip_id
    external = rule.external_port_number or rule.external_port_range
    return {
        "action": "networks.port_forwarding_delete",
        "description": f"Stop forwarding {rule.protocol} port {external} of floating IP {address}",
        "target_type": "floating_ip",
        "target_id": rule.floating_ip_id or "",
        "target_name": address or "",
        "params": {"floating_ip_id": rule.floating_ip_id, "port_forwarding_id": rule.id},
    }
