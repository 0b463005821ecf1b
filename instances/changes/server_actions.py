"""Server lifecycle actions as the Operation engine takes them, shared by pages and the API.

Every builder first checks the mirror's view of the server against `instances.lifecycle` and
raises OperationRefused, naming the server and saying what to do, when the state does not allow
the action: a locked server's delete is refused before any cloud call.
"""

from typing import Any

from dashboard.operations.services import OperationRefused
from instances.changes import Change
from instances.lifecycle import RULES, ServerState
from instances.lifecycle import refusal as lifecycle_refusal
from instances.models import Server

# The actions whose only parameter is the server (one button each).
SIMPLE_ACTIONS = (
    "start",
    "stop",
    "reboot",
    "reboot_hard",
    "pause",
    "unpause",
    "suspend",
    "resume",
    "lock",
    "unlock",
    "rescue",
    "unrescue",
    "shelve",
    "unshelve",
    "resize_confirm",
    "resize_revert",
    "delete",
)


def server_state(server: Server) -> ServerState:
    """What the lifecycle rules read of a mirror row."""
    return ServerState(
        status=server.status,
        task_state=server.task_state,
        vm_state=server.vm_state,
        power_state=server.power_state,
        locked=server.locked,
    )


def server_action(
    server: Server, action: str, params: dict[str, Any] | None = None, *, description: str = ""
) -> Change:
    """The operation of `action` on the server with its options; raises OperationRefused when
    the mirror shows a state that does not allow it."""
    name = server.name_or_id
    found = lifecycle_refusal(action, server_state(server))
    if found is not None:
        raise OperationRefused(found.about(name))
    verb = RULES[action].verb
    return {
        "action": f"instances.server_{action}",
        "description": description or f"{verb[:1].upper()}{verb[1:]} server “{name}”",
        "target_type": "server",
        "target_id": server.id,
        "target_name": server.name,
        "params": {"server_id": server.id, **(params or {})},
    }


def resize_server(server: Server, data: dict[str, Any]) -> Change:
    flavor = data["flavor"]
    return server_action(
        server,
        "resize",
        {"flavor_id": flavor.id, "flavor_name": flavor.name},
        description=f"Resize server “{server.name_or_id}” to {flavor.name}",
    )


def rebuild_server(server: Server, data: dict[str, Any]) -> Change:
    image = data["image"]
    return server_action(
        server,
        "rebuild",
        {"image_id": image.id, "name": data["name"]},
        description=f"Rebuild server “{server.name_or_id}” from image “{image.name_or_id}”",
    )


def rename_server(server: Server, data: dict[str, Any]) -> Change:
    return server_action(
        server,
        "rename",
        {"name": data["name"]},
        description=f"Rename server “{server.name_or_id}” to “{data['name']}”",
    )


def snapshot_server(server: Server, data: dict[str, Any]) -> Change:
    return server_action(
        server,
        "snapshot",
        {"name": data["name"]},
        description=f"Create snapshot “{data['name']}” of server “{server.name_or_id}”",
    )


def set_server_security_groups(server: Server, data: dict[str, Any]) -> Change:
    groups = data["security_groups"]
    names = ", ".join(f"“{group.name_or_id}”" for group in groups) or "none"
    return server_action(
        server,
        "security_groups",
        {"security_group_ids": [group.id for group in groups]},
        description=f"Set the security groups of server “{server.name_or_id}” to {names}",
    )


def attach_server_interface(server: Server, data: dict[str, Any]) -> Change:
    if (port := data.get("port")) is not None:
        params, onto = {"port_id": port.id}, f"port “{port.name_or_id}”"
    else:
        network = data["network"]
        params, onto = {"network_id": network.id}, f"network “{network.name_or_id}”"
    return server_action(
        server,
        "interface_attach",
        params,
        description=f"Attach server “{server.name_or_id}” to {onto}",
    )


def detach_server_interface(server: Server, data: dict[str, Any]) -> Change:
    port = data["port"]
    return server_action(
        server,
        "interface_detach",
        {"port_id": port.id},
        description=f"Detach port “{port.name_or_id}” from server “{server.name_or_id}”",
    )


def associate_server_floating_ip(server: Server, data: dict[str, Any]) -> Change:
    params = {"port_id": data["port_id"], "fixed_ip_address": data["fixed_ip_address"]}
    if (floating_ip := data.get("floating_ip")) is not None:
        params["floating_ip_id"] = floating_ip.id
        which = f"floating IP {floating_ip.floating_ip_address}"
    else:
        network = data["floating_network"]
        params["floating_network_id"] = network.id
        which = f"a new floating IP from “{network.name_or_id}”"
    return server_action(
        server,
        "floating_ip_associate",
        params,
        description=(
            f"Associate {which} to server “{server.name_or_id}” ({data['fixed_ip_address']})"
        ),
    )


def disassociate_server_floating_ip(server: Server, data: dict[str, Any]) -> Change:
    floating_ip = data["floating_ip"]
    return server_action(
        server,
        "floating_ip_disassociate",
        {"floating_ip_id": floating_ip.id},
        description=(
            f"Disassociate floating IP {floating_ip.floating_ip_address} from server "
            f"“{server.name_or_id}”"
        ),
    )
