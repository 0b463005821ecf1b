"""The registry of the apps' `events` modules: resources in dependency order, declarations that
cannot work refused when collected, and every target an event names reconciled by someone."""

from collections.abc import Mapping
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from dashboard.mirror.models import MirrorModel
from dashboard.mirror.notifications import (
    AppEvents,
    Dependent,
    EventResource,
    Target,
    collect_events,
    event_registry,
)
from dashboard.mirror.sync import SyncResult


def _reconcile(*, conn: Any, ids: list[str]) -> SyncResult:
    return SyncResult()


def _names(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    return [Target(event_type, str(payload["id"]))]


def _resource(name: str, **options: Any) -> EventResource:
    return EventResource(name=name, reconcile=_reconcile, model=MirrorModel, **options)


def _app(*resources: EventResource, exchange: str = "lower") -> AppEvents:
    return AppEvents(exchanges=(exchange,), targets=_names, resources=resources)


def test_each_resource_comes_after_what_it_depends_on_across_apps_else_as_declared() -> None:
    lower = _app(
        _resource("a"),
        _resource("ports", dependents=(Dependent("addresses", "port_id"),)),
        _resource("addresses"),
        _resource("by_port", after=("ports", "addresses")),
    )
    upper = _app(
        _resource("servers", dependents=(Dependent("ports", "device_id"),)), exchange="upper"
    )

    registry = collect_events([lower, upper])

    assert list(registry.resources) == ["a", "servers", "ports", "addresses", "by_port"]
    assert registry.exchanges == ("lower", "upper")


def test_every_apps_reader_is_asked_and_each_target_named_once() -> None:
    registry = collect_events([_app(_resource("a")), _app(_resource("b"), exchange="lower")])

    assert registry.targets("a", {"id": 1}) == [Target("a", "1")]
    assert registry.exchanges == ("lower",)


@pytest.mark.parametrize(
    ("declared", "refusal"),
    [
        ([_app(_resource("a")), _app(_resource("a"))], "Two apps declare the event resource a"),
        ([_app(_resource("a", after=("b",)))], "No app declares the event resource b"),
        (
            [_app(_resource("a", dependents=(Dependent("b", "a_id"),)))],
            "No app declares the event resource b",
        ),
        (
            [
                _app(
                    EventResource(
                        name="a", reconcile=_reconcile, dependents=(Dependent("b", "a_id"),)
                    ),
                    _resource("b"),
                )
            ],
            "The event resource a needs its model",
        ),
        (
            [_app(_resource("a", after=("b",)), _resource("b", after=("a",)))],
            "depend on each other in a circle",
        ),
    ],
)
def test_a_declaration_that_cannot_work_is_refused(declared: list[AppEvents], refusal: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=refusal):
        collect_events(declared)


def test_the_installed_apps_reconcile_every_resource_before_its_dependents() -> None:
    registry = event_registry()
    order = list(registry.resources)

    assert set(registry.exchanges) == {"nova", "neutron", "glance"}
    for name, resource in registry.resources.items():
        for dependent in resource.dependents:
            assert order.index(name) < order.index(dependent.resource)
        for earlier in resource.after:
            assert order.index(earlier) < order.index(name)
