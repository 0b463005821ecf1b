"""Operation names -> service functions, gathered from each app's `actions.py`.

An app declares `ACTIONS = {"networks.network_create": network_create, ...}`; a service takes
keyword arguments `conn` (the user's connection), `operation` and the operation's params.
"""

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps

from dashboard.operations.models import Operation

Service = Callable[..., Any]


class UnknownAction(LookupError):
    pass


@cache
def _actions() -> dict[str, Service]:
    found: dict[str, Service] = {}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.actions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.actions":
                raise
            continue
        found.update(module.ACTIONS)
    return found


def action_service(name: str) -> Service:
    """The service that carries out the named action; raises UnknownAction."""
    try:
        return _actions()[name]
    except KeyError:
        raise UnknownAction(f"No action named {name!r} is registered.") from None


def run_action(*, operation: Operation, conn: Any) -> Any:
    return action_service(operation.action)(conn=conn, operation=operation, **operation.params)
