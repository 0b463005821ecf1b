"""`{% server_actions server may %}`: the actions the session may take on a server (`may`, from
`dashboard.web.permissions`) that the server's state allows now: the action that matters most as
a button, the others in a menu, delete last. POSTs answer with the operation's status box in
#operations.

The instances list renders this for every row (300 on a long page). Rows whose servers offer the
same actions share one menu: it is formatted once per language and set of actions, with
placeholders for the server's id, name and the CSRF token, and each row only fills those in. Each
menu is one form with one CSRF token; its buttons post to their own action (`formaction`, and
`hx-post` for htmx).
"""

from collections.abc import Collection
from functools import cache, lru_cache
from html import escape
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from dashboard.web.permissions import action_forms, action_url_name
from instances.forms.server_actions import ServerActionForm
from instances.lifecycle import RULES, ServerState, mirror_state, refusal
from instances.models import Server

register = template.Library()

# The one action shown as a button of its own: what brings the server back, or stops it.
PRIMARY = ("resize_confirm", "unshelve", "unrescue", "resume", "unpause", "start", "stop")
# Stand for the server's id (in an action URL reversed once per action, not once per row), its
# name and the CSRF token in a menu formatted once for many rows; escaping leaves them as they are.
_ANY_ID = "00000000-0000-0000-0000-000000000000"
_NAME = "\ue000name\ue000"
_TOKEN = "\ue000token\ue000"


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


def _button(action: str, style: str, words: dict[str, Any]) -> SafeString:
    """A menu entry: a submit button of the menu's form, or a link to the action's own form."""
    label = words["actions"][action]
    url = _action_url(action)
    aria = words["aria_label"] % {"action": label, "name": _NAME}
    if action_forms(Server)[action].base_fields:
        return format_html(
            '<a class="{}" href="{}" aria-label="{}">{}…</a>', style, url, aria, label
        )
    if action == "delete":
        confirm = words["confirm_delete"] % {"name": _NAME}
    elif RULES[action].destructive:
        confirm = words["confirm"] % {"action": label, "name": _NAME}
    else:
        confirm = ""
    return format_html(
        '<button class="{style}" type="submit" formaction="{url}" hx-post="{url}"{confirm} '
        'aria-label="{aria}">{label}</button>',
        style=style,
        url=url,
        confirm=format_html(' hx-confirm="{}"', confirm) if confirm else "",
        aria=aria,
        label=label,
    )


@lru_cache(maxsize=1024)
def _offered_actions(state: ServerState, may: frozenset[str]) -> tuple[str, ...]:
    """The actions a server in this state offers (a list asks for the same few states)."""
    return tuple(action for action in RULES if _offered(state, action, may))


@lru_cache(maxsize=256)
def _menu(language: str | None, offered: tuple[str, ...], locked: bool) -> str:
    """The menu of servers offering these actions, with the placeholders for one server."""
    words = _words(language)
    primary = next((action for action in PRIMARY if action in offered), None)
    more = [action for action in offered if action not in (primary, "delete")]
    entries = [
        format_html("<li>{}</li>", _button(action, "dropdown-item", words)) for action in more
    ]
    if "delete" in offered:
        if entries:
            entries.append(SafeString('<li><hr class="dropdown-divider"></li>'))
        entries.append(
            format_html("<li>{}</li>", _button("delete", "dropdown-item text-danger", words))
        )
    return format_html(
        '<form class="btn-group server-actions" role="group" aria-label="{aria}" method="post" '
        'hx-target="#operations" hx-swap="afterbegin">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">{locked}{primary}'
        '<div class="btn-group" role="group"><button type="button" '
        'class="btn btn-sm btn-outline-secondary dropdown-toggle" data-bs-toggle="dropdown" '
        'aria-expanded="false" aria-label="{more_aria}">{more}</button>'
        '<ul class="dropdown-menu dropdown-menu-end">{entries}</ul></div></form>',
        aria=words["menu_aria_label"] % {"name": _NAME},
        token=_TOKEN,
        locked=format_html(
            '<span class="btn btn-sm btn-outline-secondary disabled" title="{}">{}</span>',
            words["locked_title"],
            words["locked"],
        )
        if locked
        else "",
        primary=_button(primary, "btn btn-sm btn-outline-primary rounded-end-0", words)
        if primary
        else "",
        more_aria=words["more_aria_label"] % {"name": _NAME},
        more=words["more"] if primary else words["actions_menu"],
        entries=format_html_join("", "{}", ((entry,) for entry in entries)),
    )


def server_actions_html(server: Server, may: Collection[str], csrf_token: str) -> SafeString:
    """The server's action buttons and menu as HTML (empty when the session may take none)."""
    offered = _offered_actions(mirror_state(server), frozenset(may))
    if not offered:
        return SafeString("")
    menu = _menu(get_language(), offered, server.locked)
    return mark_safe(
        menu.replace(_ANY_ID, escape(str(server.pk)))
        .replace(_NAME, escape(server.name_or_id))
        .replace(_TOKEN, escape(csrf_token))
    )


@register.simple_tag(takes_context=True)
def server_actions(context: template.Context, server: Server, may: Collection[str]) -> SafeString:
    """`{% server_actions server may %}`: the server's action buttons and menu."""
    request = context.get("request")
    return server_actions_html(server, may, get_token(request) if request is not None else "")
