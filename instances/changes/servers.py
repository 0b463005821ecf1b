"""Server launches: one operation per server."""

from typing import Any

from instances.changes import Change

# What each server's operation carries from the launch form (validated, no secrets; the public
# key of a key pair the launch makes, never a private one).
LAUNCH_PARAMS = (
    "image_id",
    "flavor_id",
    "nics",
    "security_groups",
    "key_name",
    "public_key",
    "availability_zone",
    "user_data",
    "metadata",
)


def launch_names(name: str, count: int) -> list[str]:
    """The servers' names: the name itself for one server, `name-1` .. `name-N` for several."""
    return [name] if count == 1 else [f"{name}-{index}" for index in range(1, count + 1)]


def launch_servers(data: dict[str, Any]) -> list[Change]:
    """One launch operation per server the form asks for (`count`), each named on its own."""
    params = {key: data[key] for key in LAUNCH_PARAMS}
    return [
        {
            "action": "instances.server_create",
            "description": f"Launch server “{name}”",
            "target_type": "server",
            "target_name": name,
            "params": {**params, "name": name},
        }
        for name in launch_names(data["name"], data["count"])
    ]
