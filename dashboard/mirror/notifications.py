"""What each app tells the notification listener, collected from the apps' `events` modules.

An app whose objects a cloud service announces changes of declares its part in `<app>/events.py`:

    EVENTS = AppEvents(exchanges=("neutron",), targets=..., resources=(EventResource(...), ...))

that is, the exchanges the service publishes its notifications to, a pure function from one
notification to the objects it names (`Target`s), and for each kind of target how its ids are
reconciled and which rows the cloud changes with it without an event of their own. The core
collects the declarations of every installed app, in INSTALLED_APPS order, and imports no app:
the listener reads only this registry.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from graphlib import CycleError, TopologicalSorter
from importlib import import_module
from typing import Any, NamedTuple, Protocol

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from dashboard.cloud.connection import Connection
from dashboard.mirror.models import MirrorModel
from dashboard.mirror.sync import SyncResult

# The module of an app that declares its events, and the name it declares them under.
EVENTS_MODULE = "events"
EVENTS_NAME = "EVENTS"


class Target(NamedTuple):
    """One object an event names: the mirror's resource name and the OpenStack id."""

    resource: str
    id: str


class ReconcileIds(Protocol):
    """A targeted reconcile: fetch each id, write what exists, delete the rows of what is gone."""

    def __call__(self, *, conn: Connection, ids: list[str]) -> SyncResult: ...


# What one notification (event type, payload) names; [] for events the app does not know.
TargetsOf = Callable[[str, Mapping[str, Any]], list[Target]]


@dataclass(frozen=True)
class Dependent:
    """Rows of `resource` whose `field` holds the id of a reconciled object, and that the cloud
    changes with that object without saying so: when the object is gone (a network takes its
    subnets along), or on any change of it when `only_when_gone` is false."""

    resource: str
    field: str
    only_when_gone: bool = True


@dataclass(frozen=True)
class EventResource:
    """A kind of target: how its ids are reconciled, the table its rows are in (needed when it
    has dependents or is one), the rows that depend on it, and the resources a batch must
    reconcile before it (`after`: it reads their rows)."""

    name: str
    reconcile: ReconcileIds
    model: type[MirrorModel] | None = None
    dependents: tuple[Dependent, ...] = ()
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppEvents:
    """One app's part: see the module's docstring."""

    exchanges: tuple[str, ...]
    targets: TargetsOf
    resources: tuple[EventResource, ...]


@dataclass(frozen=True)
class EventRegistry:
    """Every app's part together: the exchanges to listen on, the apps' notification readers, and
    the resources in the order a batch reconciles them (each before its dependents)."""

    exchanges: tuple[str, ...]
    readers: tuple[TargetsOf, ...]
    resources: Mapping[str, EventResource]

    def targets(self, event_type: str, payload: Mapping[str, Any]) -> list[Target]:
        """The objects the notification names, each once, in event order."""
        named = [target for read in self.readers for target in read(event_type, payload)]
        return list(dict.fromkeys(named))

    def model(self, resource: str) -> type[MirrorModel]:
        """The table of a resource that has dependents or is one (checked when collected)."""
        model = self.resources[resource].model
        assert model is not None
        return model


def collect_events(declared: Iterable[AppEvents]) -> EventRegistry:
    """The registry of these declarations; ImproperlyConfigured when two declare the same
    resource, one names a resource none declares, a table is missing, or the order loops."""
    declared = list(declared)
    resources: dict[str, EventResource] = {}
    for app in declared:
        for resource in app.resources:
            if resource.name in resources:
                raise ImproperlyConfigured(f"Two apps declare the event resource {resource.name}.")
            resources[resource.name] = resource
    # Each resource after those it reads and after every resource it is a dependent of.
    before = {name: list(resource.after) for name, resource in resources.items()}
    for resource in resources.values():
        for dependent in resource.dependents:
            before.setdefault(dependent.resource, []).append(resource.name)
            for needs_model in (resource.name, dependent.resource):
                if needs_model in resources and resources[needs_model].model is None:
                    raise ImproperlyConfigured(f"The event resource {needs_model} needs its model.")
    for name, earlier in before.items():
        for unknown in (name, *earlier):
            if unknown not in resources:
                raise ImproperlyConfigured(f"No app declares the event resource {unknown}.")
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for name in resources:  # first: among resources free to go, the declared order stands
        sorter.add(name)
    for name, earlier in before.items():
        sorter.add(name, *earlier)
    try:
        order = list(sorter.static_order())
    except CycleError as exc:
        raise ImproperlyConfigured(
            f"The event resources depend on each other in a circle: {exc.args[1]}."
        ) from exc
    return EventRegistry(
        exchanges=tuple(dict.fromkeys(name for app in declared for name in app.exchanges)),
        readers=tuple(app.targets for app in declared),
        resources={name: resources[name] for name in order},
    )


@cache
def event_registry() -> EventRegistry:
    """The registry of the installed apps' `events` modules (read once per process)."""
    declared = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, EVENTS_MODULE):
            continue
        events = getattr(import_module(f"{config.name}.{EVENTS_MODULE}"), EVENTS_NAME, None)
        if not isinstance(events, AppEvents):
            raise ImproperlyConfigured(
                f"{config.name}.{EVENTS_MODULE} declares no {EVENTS_NAME} = AppEvents(...)."
            )
        declared.append(events)
    return collect_events(declared)
