"""The services operations run, registered where they are defined, and the typed request that
names one of them.

A service is a function `service(*, conn, operation, **params) -> None` decorated with
`@operation_service`; its action name is `<app>.<function name>` (`networks.router_create`),
which is what an Operation row keeps. A form turns its valid data into an `OperationRequest`
naming the function itself; `check()` binds the params to the function's signature, so a request
that the service could not run is a programming error raised in the web process, before anything
is queued. Each app's `services` module (or every module of its `services` package) is imported
when Django starts (`OperationsConfig.ready`), so a worker knows every service by name.
"""

import inspect
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from dashboard.cloud.connection import Connection
from dashboard.i18n import Message
from dashboard.operations.models import Operation

Service = Callable[..., None]

_services: dict[str, Service] = {}


class UnknownAction(LookupError):
    pass


def action_name(service: Service) -> str:
    """The name an Operation keeps for this service: `<app>.<function>`."""
    return f"{service.__module__.split('.', 1)[0]}.{service.__name__}"


def operation_service[ServiceT: Service](service: ServiceT) -> ServiceT:
    """Register `service` as one an operation may run (a decorator)."""
    name = action_name(service)
    registered = _services.setdefault(name, service)
    if registered is not service and registered.__qualname__ != service.__qualname__:
        raise ImproperlyConfigured(f"Two operation services are named {name!r}.")
    _services[name] = service
    return service


def action_service(name: str) -> Service:
    """The service registered under `name`; raises UnknownAction."""
    try:
        return _services[name]
    except KeyError:
        raise UnknownAction(f"No operation service is named {name!r}.") from None


def run_action(*, operation: Operation, conn: Connection) -> None:
    action_service(operation.action)(conn=conn, operation=operation, **operation.params)


def discover_services() -> None:
    """Import every installed app's `services` module, and each module of a `services` package."""
    for config in apps.get_app_configs():
        try:
            package = import_module(f"{config.name}.services")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.services":
                raise
            continue
        for module in pkgutil.iter_modules(getattr(package, "__path__", [])):
            import_module(f"{package.__name__}.{module.name}")


@dataclass(frozen=True, kw_only=True)
class OperationRequest:
    """One change as a form asks for it: the service that makes it, what it does in words (a
    `Message`, read later in each reader's language), its target, and the service's keyword
    arguments (JSON values: the Operation row keeps them)."""

    service: Service
    description: Message
    target_type: str
    target_id: str = ""
    target_name: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.description, Message):
            raise TypeError("An operation's description is a Message (dashboard.i18n).")

    @property
    def action(self) -> str:
        """The registered name of the service; raises UnknownAction for one not registered."""
        name = action_name(self.service)
        if _services.get(name) is not self.service:
            raise UnknownAction(f"{name} is not an operation service (@operation_service).")
        return name

    def check(self) -> None:
        """Raise TypeError when the service could not be called with these params."""
        inspect.signature(self.service).bind(conn=None, operation=None, **self.params)
