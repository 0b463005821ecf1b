"""The floating-IP actions of a server as the Operation engine took them before issue 14 (the
other server actions are forms now: `instances.forms.server_actions`); these move to networks'
floating-IP forms, and this module goes with them."""

from typing import Any

from dashboard.operations.services import OperationRefused
from instances.changes import Change
from instances.lifecycle import RULES, mirror_state
from instances.lifecycle import refusal as lifecycle_refusal
from instances.models import Server


def server_action(
    server: Server, action: str, params: dict[str, Any] | None = None, *, description: str = ""
) -> Change:
    """The operation of `action` on the server with its options; raises OperationRefused when
    the mirror shows a state that does not allow it."""
    name = server.name_or_id
    found = lifecycle_refusal(action, mirror_state(server))
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
