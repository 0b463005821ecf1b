"""Floating IP changes."""

from typing import Any

from networks.changes import Change
from networks.models import FloatingIP


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
