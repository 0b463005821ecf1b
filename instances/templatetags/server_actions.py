"""`{% server_action_menu server may as menu %}`: the actions the session may take on a server
(`may`, from `dashboard.web.permissions`) that the server's state allows now, as the buttons the
server action partial renders (the primary one first, the rest in a menu, delete last)."""

from collections.abc import Collection
from functools import cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language, gettext

from dashboard.web.permissions import action_forms, action_url_name
from instances.forms.server_actions import ServerActionForm
from instances.lifecycle import RULES, ServerState, mirror_state, refusal
from instances.models import Server

register = template.Library()

# The one action shown as a button of its own: what brings the server back, or stops it.
PRIMARY = ("resize_confirm", "unshelve", "unrescue", "resume", "unpause", "start", "stop")
# Stands for the server's id in an action URL reversed once per action, not once per row.
_ANY_ID = "00000000-0000-0000-0000-000000000000"


@cache
def _action_url(action: str) -> str:
    return reverse(action_url_name(Server, action), args=[_ANY_ID])


@cache
def _words(language: str | None) -> dict[str, Any]:
    """The menu's words in `language` (the actions' labels under "actions"), translated once,
    not once per row; the sentences naming the server are formats, filled in per row."""
    return {
        "actions": {action: gettext(rule.label) for action, rule in RULES.items()},
        "locked": gettext("Locked"),
        "locked_title": gettext(
            "Locked: unlock it to start, stop, reboot, resize, rebuild or delete it"
        ),
        "more": gettext("More"),
        "actions_menu": gettext("Actions"),
        # Translators: a confirmation, as in "Shut off server “web-1”?".
        "confirm": gettext("%(action)s server “%(name)s”?"),
        # Translators: a button's label for screen readers, as in "Start web-1".
        "aria_label": gettext("%(action)s %(name)s"),
        "confirm_delete": gettext(
            "Delete server “%(name)s”? Its disk is lost; this cannot be undone."
        ),
        "menu_aria_label": gettext("Actions on %(name)s"),
        "more_aria_label": gettext("More actions on %(name)s"),
    }


def _offered(state: ServerState, action: str, may: Collection[str]) -> bool:
    """Permitted, and not refused by the server's state (the mirror's view)."""
    form = action_forms(Server).get(action)
    if form is None or action not in may:
        return False
    return not (issubclass(form, ServerActionForm) and refusal(action, state))


@register.simple_tag
def server_action_menu(server: Server, may: Collection[str]) -> dict[str, Any]:
    """The buttons of the actions the session may take on the server now."""
    name, state = server.name_or_id, mirror_state(server)
    forms = action_forms(Server)
    words = _words(get_language())
    labels = words["actions"]
    buttons = {
        action: {
            "label": labels[action],
            "url": _action_url(action).replace(_ANY_ID, str(server.pk)),
            "post": not forms[action].base_fields,
            "confirm": words["confirm"] % {"action": labels[action], "name": name}
            if rule.destructive
            else "",
            "aria_label": words["aria_label"] % {"action": labels[action], "name": name},
        }
        for action, rule in RULES.items()
        if _offered(state, action, may)
    }
    primary = next((action for action in PRIMARY if action in buttons), None)
    delete = buttons.pop("delete", None)
    if delete is not None:
        delete["confirm"] = words["confirm_delete"] % {"name": name}
    return {
        "primary": [buttons.pop(primary)] if primary else [],
        "more": list(buttons.values()),
        "delete": delete,
        "words": words,
        "aria_label": words["menu_aria_label"] % {"name": name},
        "more_aria_label": words["more_aria_label"] % {"name": name},
    }
