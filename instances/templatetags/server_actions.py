"""`{% server_action_menu server as menu %}`: the lifecycle actions a server's state allows, as
the buttons the server action partial renders (the primary one first, the rest in a menu),
for sessions whose roles may change servers at all; `keystone|can_change_servers` for other
controls Nova keeps to those roles."""

from functools import cache
from typing import Any

from django import template
from django.urls import reverse

from instances.changes.server_actions import SIMPLE_ACTIONS, server_state
from instances.lifecycle import RULES, allowed_actions
from instances.models import Server

register = template.Library()

# The one action shown as a button of its own: what brings the server back, or stops it.
PRIMARY = ("resize_confirm", "unshelve", "unrescue", "resume", "unpause", "start", "stop")
# Keystone roles that may change servers under Nova's default policy (readers may not).
CHANGING_ROLES = {"member", "admin"}
# Stands for the server's id in an action URL reversed once per action, not once per row.
_ANY_ID = "00000000-0000-0000-0000-000000000000"


def _addresses(server: Server) -> list[dict[str, Any]]:
    return [address for addresses in server.addresses.values() for address in addresses]


def _offered(server: Server, action: str) -> bool:
    """Actions that need something the server has: an address, a floating IP."""
    addresses = _addresses(server)
    if action in ("interface_detach", "floating_ip_associate"):
        return any(address.get("OS-EXT-IPS:type") == "fixed" for address in addresses)
    if action == "floating_ip_disassociate":
        return any(address.get("OS-EXT-IPS:type") == "floating" for address in addresses)
    return True


@cache
def _action_url(action: str) -> str:
    return reverse(f"instances:server_{action}", args=[_ANY_ID])


@register.filter
def can_change_servers(keystone: Any) -> bool:
    """Whether the session's roles may change servers under Nova's default policy (which also
    keeps the console and its log to members)."""
    return keystone is not None and bool(CHANGING_ROLES & set(keystone.roles))


@register.simple_tag(takes_context=True)
def server_action_menu(context: template.Context, server: Server) -> dict[str, Any]:
    """The buttons of the actions the server's state allows, for a user who may change it."""
    if not can_change_servers(context.get("keystone")):
        return {"primary": [], "more": [], "delete": None}
    name = server.name_or_id
    allowed = allowed_actions(server_state(server))
    buttons = {
        action: {
            "label": rule.label,
            "url": _action_url(action).replace(_ANY_ID, str(server.pk)),
            "post": action in SIMPLE_ACTIONS,
            "confirm": f"{rule.label} server “{name}”?" if rule.destructive else "",
            "aria_label": f"{rule.label} {name}",
        }
        for action, rule in RULES.items()
        if action in allowed and _offered(server, action)
    }
    primary = next((action for action in PRIMARY if action in buttons), None)
    delete = buttons.pop("delete", None)
    if delete is not None:
        delete["confirm"] = f"Delete server “{name}”? Its disk is lost; this cannot be undone."
    return {
        "primary": [buttons.pop(primary)] if primary else [],
        "more": list(buttons.values()),
        "delete": delete,
    }
