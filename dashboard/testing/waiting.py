"""Polling helpers for tests that wait on something another thread or process does."""

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from dashboard.operations.models import Operation


def wait_until[T](
    check: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float = 0.1,
    alive: Callable[[], None] = lambda: None,
    details: Callable[[], str] = str,
) -> T:
    """Poll `check` until it returns something; fail saying `what` did not happen.

    `alive` raises when what should make it happen has died; `details` adds to the failure.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (result := check()) is not None:
            return result
        alive()
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s\n{details()}")


def operation_finished(
    operation_id: UUID | str,
    *,
    timeout: float = 60,
    alive: Callable[[], None] = lambda: None,
    details: Callable[[], str] = str,
) -> Operation:
    """The operation once a worker has finished it (succeeded or failed)."""
    return wait_until(
        lambda: (
            Operation.objects.filter(pk=operation_id)
            .exclude(status__in=Operation.UNFINISHED)
            .first()
        ),
        timeout=timeout,
        what=f"operation {operation_id} finishing",
        alive=alive,
        details=details,
    )


def servers_deleted(conn: Any, *servers: Any, wait: float = 60) -> None:
    """Delete the servers (those still there), wait until Nova has, and then until Neutron has
    deleted their ports: Nova removes them a moment after a server is gone, and a subnet or
    network deleted before that is refused (409, "ports have an IP allocation").

    A server still building is first let finish: deleted before its compute host took it, Nova
    deletes it at once and the compute host makes its port afterwards, so the port would appear
    after the wait below had seen none."""
    for server in servers:

        def built(server_id: str = server.id) -> bool | None:
            found = conn.compute.find_server(server_id, ignore_missing=True)
            return found is None or found.status != "BUILD" or None

        wait_until(built, timeout=wait, interval=0.5, what=f"server {server.id} built")
        conn.compute.delete_server(server, ignore_missing=True)
    for server in servers:
        conn.compute.wait_for_delete(server, interval=0.5, wait=int(wait))
    for server_id in (server.id for server in servers):

        def ports_gone(server_id: str = server_id) -> bool | None:
            return not list(conn.network.ports(device_id=server_id)) or None

        wait_until(
            ports_gone,
            timeout=wait / 2,
            interval=0.5,
            what=f"the ports of server {server_id} deleted",
        )
