"""Routers: writes to Neutron, each inside an Operation."""

from collections.abc import Callable

ACTIONS: dict[str, Callable[..., None]] = {}
