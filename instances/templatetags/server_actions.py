"""`{% server_action_menu server may as menu %}`: the actions the session may take on a server
(`may`, from `dashboard.web.permissions`) that the server's state allows now, as the buttons the
server action partial renders (the primary one first, the rest in a menu, delete last)."""

from collections.abc import Collection
from functools import cache
from typing import Any

from django import template
from django.urls import reverse

from dashboard.web.permissions import action_forms, action_url_name
from instances.forms.server_actions import ServerActionForm
from instances.lifecycle import RULES
from instances.models import Server

register = template.Library()

# The one action shown as a button of its own: what brings the server back, or stops it.
PRIMARY = ("resize_confirm", "unshelve", "unrescue", "resume", "unpause", "start", "stop")
# Stands for the server's id in an action URL reversed once per action, not once per row.
_ANY_ID = "00000000-0000-0000-0000-000000000000"


@cache
def _action_url(action: str) -> str:
    return reverse(action_url_name(Server, action), args=[_ANY_ID])


def _offered(server: Server, action: str, may: Collection[str]) -> bool:
    """Permitted, and not refused by the server's state (the mirror's view)."""
    form = action_forms(Server).get(action)
    if form is None or action not in may:
        return False
    return not (issubclass(form, ServerActionForm) and form.refusal_for(server))


@register.simple_tag
def server_action_menu(server: Server, may: Collection[str]) -> dict[str, Any]:
    """The buttons of the actions the session may take on the server now."""
    name = server.name_or_id
    forms = action_forms(Server)
    buttons = {
        action: {
            "label": rule.label,
            "url": _action_url(action).replace(_ANY_ID, str(server.pk)),
            "post": not forms[action].base_fields,
            "confirm": f"{rule.label} server “{name}”?" if rule.destructive else "",
            "aria_label": f"{rule.label} {name}",
        }
        for action, rule in RULES.items()
        if _offered(server, action, may)
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
