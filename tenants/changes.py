"""Quota changes: a quota form's cleaned data as the kwargs of `operation_start`."""

from typing import Any

from tenants.models import Project
from tenants.resources import BY_KEY, COMPUTE, NETWORK

Change = dict[str, Any]


def limits_of(data: dict[str, Any], service: str) -> dict[str, int]:
    """The limits a quota form sets for one service, by the service's resource names; fields
    left empty are left out (they stay as they are)."""
    return {
        BY_KEY[key].resource: int(value)
        for key, value in data.items()
        if key in BY_KEY and BY_KEY[key].service == service and value is not None
    }


def update_project_quotas(project: Project, data: dict[str, Any]) -> Change:
    return {
        "action": "tenants.project_quotas_update",
        "description": f"Set the quotas of project “{project.name_or_id}”",
        "target_type": "project",
        "target_id": project.id,
        "target_name": project.name,
        "params": {
            "project_id": project.id,
            "compute": limits_of(data, COMPUTE),
            "network": limits_of(data, NETWORK),
            "force": bool(data.get("confirm_below_usage")),
        },
    }


def update_compute_default_quotas(data: dict[str, Any]) -> Change:
    return {
        "action": "tenants.compute_default_quotas_update",
        "description": "Set the default compute quotas",
        "target_type": "quota defaults",
        "target_id": COMPUTE,
        "target_name": "compute",
        "params": {"compute": limits_of(data, COMPUTE)},
    }
