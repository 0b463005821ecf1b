"""Which actions a signed-in session may take on an object: the one rule behind every button
(list rows, detail headers, section buttons, row menus) and every API write.

An action is its form (`dashboard.web.forms.ProjectForm` with `model` and `action`): allowed
when the cloud's policy allows the form's `policy` rule for the session, the object belongs to
the session's project (shared and external objects are only read; a key pair, of no project,
to its user), and the form `applies_to`
the object as the mirror shows it.
"""

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from dashboard.sessions import CloudSession

if TYPE_CHECKING:
    from dashboard.web.forms import ProjectForm

_action_forms: defaultdict[type[Model], dict[str, type["ProjectForm"]]] = defaultdict(dict)


def register_action_form(form_class: type["ProjectForm"]) -> None:
    """Called for each form class that declares its `model` and `action`."""
    assert form_class.model is not None
    _action_forms[form_class.model][form_class.action] = form_class


def action_forms(model: type[Model]) -> dict[str, type["ProjectForm"]]:
    """The model's actions and their forms, by action name."""
    return dict(_action_forms.get(model, {}))


def action_url_name(model: type[Model], action: str) -> str:
    """The URL name of an action's page: `<app>:<noun>_<action>`, the noun the model's class
    name in snake case (`FloatingIP`: floating_ip) unless the model sets `url_noun`."""
    noun = (
        getattr(model, "url_noun", "")
        or re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", model.__name__).lower()
    )
    return f"{model._meta.app_label}:{noun}_{action}"


def allowed_by_policy(session: CloudSession | None, model: type[Model]) -> frozenset[str]:
    """The model's actions the cloud's policy lets the session take (one check per action;
    compute it once per page and hand it to `permitted_actions` for each row)."""
    if session is None:
        return frozenset()
    return frozenset(
        action
        for action, form_class in _action_forms.get(model, {}).items()
        if form_class.policy_permits(session)
    )


def owned_by_session(session: CloudSession, obj: Any) -> bool:
    """Whether the session may change `obj`: an object of its project, or one of no project
    (key pairs) that is its user's own."""
    if project_id := getattr(obj, "project_id", ""):
        return bool(project_id == session.project_id)
    return bool(getattr(obj, "user_id", None) == session.user_id)


def permitted_actions(
    session: CloudSession | None,
    model: type[Model],
    obj: Any = None,
    *,
    by_policy: frozenset[str] | None = None,
) -> frozenset[str]:
    """The actions the session may take on `obj` (an object of `model`), or with `obj` None
    the actions on no object (create)."""
    if session is None:
        return frozenset()
    if by_policy is None:
        by_policy = allowed_by_policy(session, model)
    forms = _action_forms.get(model, {})
    if obj is None:
        return frozenset(action for action in by_policy if not forms[action].on_object)
    if not owned_by_session(session, obj):
        return frozenset()
    return frozenset(
        action for action in by_policy if forms[action].on_object and forms[action].applies_to(obj)
    )
