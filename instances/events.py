"""Nova's notifications, as the mirror's notification listener reads them
(`dashboard.mirror.notifications`): the server each names, and the rows that go with a server.

Nova publishes its legacy (unversioned) `compute.instance.*` notifications to its `nova`
exchange; every payload has the server's `instance_id`.
"""

from collections.abc import Mapping
from typing import Any

from dashboard.mirror.notifications import AppEvents, Dependent, EventResource, Target
from instances.models import Server
from instances.reconcile import reconcile_servers


def nova_targets(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    """The server a Nova notification says changed; pure, [] for any other event."""
    if not event_type.startswith("compute.instance."):
        return []
    server_id = payload.get("instance_id")
    return [Target("servers", str(server_id))] if server_id else []


EVENTS = AppEvents(
    exchanges=("nova",),
    targets=nova_targets,
    resources=(
        EventResource(
            name="servers",
            reconcile=reconcile_servers,
            model=Server,
            # A deleted server's ports go with it (those Nova made for it) or are detached.
            dependents=(Dependent("ports", "device_id"),),
        ),
    ),
)
