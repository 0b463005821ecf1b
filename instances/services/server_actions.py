"""Server lifecycle actions, each one Operation run with the user's token.

Every action reads the server first: when its effect is already there or under way (a retry
after a lost answer, a double click) it is done without asking Nova again; when the state does
not allow it, it fails before any change with the reason `instances.lifecycle` gives. A 409 from
Nova (the state changed in between) is explained from the state read again. Each action ends
with a targeted reconcile of the server, and of the ports and floating IPs it touched; a server
left in a transitional state gets follow-up reconciles (`server_followup_schedule`).
"""

import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import (
    CloudConflict,
    CloudError,
    CloudNotFound,
    CloudPermanentError,
    CloudTransientError,
    could_not,
    restated,
    translated,
)
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from dashboard.operations.services import operation_record_result
from instances.lifecycle import RULES, ServerState, already_done, refusal
from instances.reconcile import NOVA, reconcile_images, reconcile_servers
from instances.services.servers import OPERATION_METADATA_KEY
from instances.tasks import server_followup_schedule
from networks.reconcile import reconcile_ports
from networks.services.common import NEUTRON, operation_tag
from networks.services.floating_ips import follows_port_devices

# How long an interface or floating IP change waits for Nova's addresses to show it, how long a
# confirmed resize waits to leave VERIFY_RESIZE, and how often they look.
ADDRESSES_WAIT = 15.0
CONFIRM_WAIT = 15.0
NOVA_POLL = 1.0
# Nova keeps instance action start times in whole seconds.
ACTION_CLOCK_MARGIN = timedelta(seconds=1)
REVISION_CONFLICT = 412


def _state(server: Any) -> ServerState:
    return ServerState(
        status=server.status or "",
        task_state=server.task_state or "",
        vm_state=server.vm_state or "",
        power_state=server.power_state,
        locked=bool(server.is_locked),
    )


def _doing(action: str, operation: Operation) -> Message:
    return Message(RULES[action].description, {"name": operation.target_label}).lowered()


def _mirror(server_id: str, *, follow_up: bool = False) -> None:
    """Reconcile the server; follow it while it is transitional (or once more when asked, for
    changes Nova shows a moment later, such as a floating IP in its addresses)."""
    result = reconcile_servers(conn=service_connection(), ids=[server_id])
    server_followup_schedule(ids=[server_id] if follow_up else list(result.transitional))


def _nova_shows(
    *, conn: Connection, server_id: str, shown: Callable[[Any], bool], wait: float
) -> None:
    """Wait, up to `wait` seconds, until Nova's view of the server satisfies `shown`. Past the
    wait the operation still succeeds: the follow-up reconcile picks the change up later."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with translated(doing=gettext_noop("read the server"), service=NOVA):
            server = conn.compute.get_server(server_id)
        if shown(server):
            return
        time.sleep(NOVA_POLL)


def _addresses_show(
    *, conn: Connection, server_id: str, shown: Callable[[list[dict[str, Any]]], bool]
) -> None:
    """Wait, a little, until Nova's view of the server's addresses shows a Neutron change.

    Nova learns of port and floating IP changes from Neutron's events, which Neutron sends in
    batches (every 2 s by default), so the server's addresses lag behind.
    """
    _nova_shows(
        conn=conn,
        server_id=server_id,
        shown=lambda server: shown(
            [entry for entries in (server.addresses or {}).values() for entry in entries]
        ),
        wait=ADDRESSES_WAIT,
    )


def _read(*, conn: Connection, server_id: str, doing: Message) -> Any:
    """The server as Nova shows it now; a server that is gone leaves the mirror too."""
    try:
        with translated(doing=doing, service=NOVA):
            return conn.compute.get_server(server_id)
    except CloudNotFound:
        _mirror(server_id)
        raise


def _refused(error: CloudError | None, *, action: str, server: Any, doing: Message) -> CloudError:
    """The error for an action the server's state does not allow: busy ones are retried."""
    found = refusal(action, _state(server))
    assert found is not None
    why = found.reason()
    error_class = CloudTransientError if found.busy else CloudConflict
    if error is None:
        return error_class(could_not(doing, why))
    return restated(error, doing=doing, why=why, service=NOVA, error_class=error_class)


def _requested_since(
    *, conn: Connection, server_id: str, nova_action: str, operation: Operation
) -> bool:
    """Whether this operation's user already asked Nova for this action since the operation
    began: an earlier attempt of the operation got through (`os-instance-actions`)."""
    since = operation.created_at - ACTION_CLOCK_MARGIN
    return any(
        entry.action == nova_action
        and entry.user_id == operation.user_id
        and entry.start_time
        and entry.start_time >= since.strftime("%Y-%m-%dT%H:%M:%S")
        for entry in conn.compute.server_actions(server_id)
    )


def _act(
    *,
    conn: Connection,
    operation: Operation,
    server_id: str,
    action: str,
    call: Callable[[], Any],
    done: Callable[[Any], bool] = lambda server: False,
) -> Any:
    """Ask Nova for `action` unless it is already done; refuse what the state does not allow.

    Returns the server as read before the call.
    """
    doing = _doing(action, operation)
    server = _read(conn=conn, server_id=server_id, doing=doing)
    if already_done(action, _state(server)) or done(server):
        return server
    if refusal(action, _state(server)) is not None:
        _mirror(server_id)  # the page offered it from an older view of the server
        raise _refused(None, action=action, server=server, doing=doing)
    try:
        with translated(doing=doing, service=NOVA):
            call()
    except CloudConflict as exc:
        now = _read(conn=conn, server_id=server_id, doing=doing)
        if already_done(action, _state(now)) or done(now):
            return server
        _mirror(server_id)
        if refusal(action, _state(now)) is None:
            raise
        raise _refused(exc, action=action, server=now, doing=doing) from exc
    return server


# ---- actions without options -----------------------------------------------------------------


def _simple(
    *,
    conn: Connection,
    operation: Operation,
    server_id: str,
    action: str,
    call: Callable[[], Any],
    logged_as: str = "",
) -> None:
    """Run one option-less lifecycle action on the server, once even when retried; raises
    CloudConflict naming the reason when the state does not allow it. `logged_as`: Nova's name,
    in its action log, of an action that leaves no trace in the state once over (a reboot), which
    a retry asks the log for."""

    def done(server: Any) -> bool:
        return (
            bool(logged_as)
            and operation.attempts > 1
            and _requested_since(
                conn=conn, server_id=server_id, nova_action=logged_as, operation=operation
            )
        )

    _act(conn=conn, operation=operation, server_id=server_id, action=action, call=call, done=done)
    _mirror(server_id)


@operation_service
def server_start(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Start the server (running already counts as done)."""
    call = partial(conn.compute.start_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="start", call=call)


@operation_service
def server_stop(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Shut the server off (shut off already counts as done)."""
    call = partial(conn.compute.stop_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="stop", call=call)


@operation_service
def server_reboot(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Reboot the server softly, once even when retried (Nova's action log tells)."""
    call = partial(conn.compute.reboot_server, server_id, "SOFT")
    _simple(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="reboot",
        call=call,
        logged_as="reboot",
    )


@operation_service
def server_reboot_hard(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Reboot the server hard (a power cycle), once even when retried."""
    call = partial(conn.compute.reboot_server, server_id, "HARD")
    _simple(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="reboot_hard",
        call=call,
        logged_as="reboot",
    )


@operation_service
def server_pause(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Pause the server (paused already counts as done)."""
    call = partial(conn.compute.pause_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="pause", call=call)


@operation_service
def server_unpause(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Unpause the server (no longer paused counts as done)."""
    call = partial(conn.compute.unpause_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="unpause", call=call)


@operation_service
def server_suspend(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Suspend the server (suspended already counts as done)."""
    call = partial(conn.compute.suspend_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="suspend", call=call)


@operation_service
def server_resume(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Resume the suspended server (no longer suspended counts as done)."""
    call = partial(conn.compute.resume_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="resume", call=call)


@operation_service
def server_lock(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Lock the server (locked already counts as done)."""
    call = partial(conn.compute.lock_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="lock", call=call)


@operation_service
def server_unlock(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Unlock the server (unlocked already counts as done)."""
    call = partial(conn.compute.unlock_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="unlock", call=call)


@operation_service
def server_rescue(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Boot the server into rescue mode from its own image (in rescue counts as done)."""
    call = partial(conn.compute.rescue_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="rescue", call=call)


@operation_service
def server_unrescue(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Leave rescue mode (no longer rescued counts as done)."""
    call = partial(conn.compute.unrescue_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="unrescue", call=call)


@operation_service
def server_shelve(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Shelve the server (shelved already counts as done)."""
    call = partial(conn.compute.shelve_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="shelve", call=call)


@operation_service
def server_unshelve(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Unshelve the server (no longer shelved counts as done)."""
    call = partial(conn.compute.unshelve_server, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="unshelve", call=call)


@operation_service
def server_resize_confirm(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Confirm the server's resize (confirmed already counts as done); waits a little for the
    compute host to finish."""
    _act(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="resize_confirm",
        call=partial(conn.compute.confirm_server_resize, server_id),
    )
    # Nova confirms without a task state: the server shows VERIFY_RESIZE, as if nothing were
    # under way, until the compute host has finished.
    _nova_shows(
        conn=conn,
        server_id=server_id,
        shown=lambda server: already_done("resize_confirm", _state(server)),
        wait=CONFIRM_WAIT,
    )
    _mirror(server_id, follow_up=True)


@operation_service
def server_resize_revert(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Revert the server's resize to its old flavor (reverted already counts as done)."""
    call = partial(conn.compute.revert_server_resize, server_id)
    _simple(conn=conn, operation=operation, server_id=server_id, action="resize_revert", call=call)


@operation_service
def server_delete(*, conn: Connection, operation: Operation, server_id: str) -> None:
    """Delete the server (already gone counts as done); refused while it is locked."""
    try:
        _act(
            conn=conn,
            operation=operation,
            server_id=server_id,
            action="delete",
            call=lambda: conn.compute.delete_server(server_id, ignore_missing=True),
        )
    except CloudNotFound:
        return
    _mirror(server_id)


# ---- actions with options ----------------------------------------------------------------------


@operation_service
def server_resize(
    *, conn: Connection, operation: Operation, server_id: str, flavor_id: str, flavor_name: str
) -> None:
    """Resize the server to the flavor (already resized to it counts as done); the server then
    waits in VERIFY_RESIZE for a confirm or revert."""
    _act(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="resize",
        call=lambda: conn.compute.resize_server(server_id, flavor_id),
        done=lambda server: server.flavor.original_name == flavor_name,
    )
    _mirror(server_id)


@operation_service
def server_rebuild(
    *, conn: Connection, operation: Operation, server_id: str, image_id: str, name: str = ""
) -> None:
    """Rebuild the server from the image (its disk is replaced), optionally renaming it; once
    even when retried."""
    attributes = {"name": name} if name else {}
    _act(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="rebuild",
        call=lambda: conn.compute.rebuild_server(server_id, image_id, **attributes),
        done=lambda server: (
            operation.attempts > 1
            and _requested_since(
                conn=conn, server_id=server_id, nova_action="rebuild", operation=operation
            )
        ),
    )
    _mirror(server_id)


@operation_service
def server_rename(*, conn: Connection, operation: Operation, server_id: str, name: str) -> None:
    """Give the server a new name (already so named counts as done)."""
    _act(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="rename",
        call=lambda: conn.compute.update_server(server_id, name=name),
        done=lambda server: server.name == name,
    )
    _mirror(server_id)


def _snapshot_made_before(*, conn: Connection, operation: Operation, name: str) -> Any | None:
    """The image an earlier attempt of this operation made, found by the operation id Nova
    copied into the image's properties."""
    if operation.result_id:
        return conn.image.find_image(operation.result_id, ignore_missing=True)
    for image in conn.image.images(owner=operation.project_id, name=name):
        if (image.properties or {}).get(OPERATION_METADATA_KEY) == str(operation.id):
            return image
    return None


@operation_service
def server_snapshot(*, conn: Connection, operation: Operation, server_id: str, name: str) -> None:
    """Create an image of the server named `name` (once, even when retried); mirror it."""
    doing = Message(
        gettext_noop("create snapshot “%(snapshot)s” of server “%(name)s”"),
        {"name": operation.target_label, "snapshot": name},
    )
    with translated(doing=doing, service=NOVA):
        made = _snapshot_made_before(conn=conn, operation=operation, name=name)

    def snapshot() -> None:
        image = conn.compute.create_server_image(
            server_id, name, metadata={OPERATION_METADATA_KEY: str(operation.id)}
        )
        operation_record_result(operation=operation, result_id=image.id)

    if made is None:
        _act(conn=conn, operation=operation, server_id=server_id, action="snapshot", call=snapshot)
    elif operation.result_id != made.id:
        operation_record_result(operation=operation, result_id=made.id)
    if operation.result_id:
        reconcile_images(conn=service_connection(), ids=[operation.result_id])
    _mirror(server_id)


@operation_service
def server_security_groups(
    *, conn: Connection, operation: Operation, server_id: str, security_group_ids: list[str]
) -> None:
    """Give every port of the server exactly these security groups (set semantics, so a retry
    is harmless). Each port is updated with its revision number: a concurrent change of the
    port makes the update fail and the operation retry from a fresh read."""
    doing = _doing("security_groups", operation)
    wanted = sorted(security_group_ids)
    with translated(doing=doing, service=NEUTRON):
        ports = list(conn.network.ports(device_id=server_id))
    if not ports:
        raise CloudPermanentError(
            could_not(doing, gettext_noop("the server has no network interface. Attach one first"))
        )
    for port in ports:
        if sorted(port.security_group_ids or []) == wanted:
            continue
        if port.is_port_security_enabled is False and wanted:
            why = gettext_noop(
                "port “%(port)s” has port security turned off, so it cannot have security "
                "groups. Turn port security on for that port first, or choose no groups"
            )
            raise CloudPermanentError(
                could_not(doing, Message(why, {"port": port.name or port.id}))
            )
        try:
            with translated(doing=doing, service=NEUTRON):
                conn.network.update_port(
                    port, security_groups=wanted, if_revision=port.revision_number
                )
        except CloudPermanentError as exc:
            if exc.status_code != REVISION_CONFLICT:
                raise
            raise restated(
                exc,
                doing=doing,
                why=gettext_noop("a port of the server changed meanwhile; trying again"),
                service=NEUTRON,
                error_class=CloudTransientError,
            ) from exc
    reconcile_ports(conn=service_connection(), ids=[port.id for port in ports])
    _mirror(server_id)


@operation_service
def server_interface_attach(
    *,
    conn: Connection,
    operation: Operation,
    server_id: str,
    network_id: str = "",
    port_id: str = "",
) -> None:
    """Plug the server into a network (Nova makes the port) or onto one of the project's free
    ports; once even when retried (Nova tags the interface with the operation)."""
    tag = operation_tag(operation)

    def attached(server: Any) -> bool:
        for interface in conn.compute.server_interfaces(server_id):
            if (port_id and interface.port_id == port_id) or (not port_id and interface.tag == tag):
                operation_record_result(operation=operation, result_id=interface.port_id)
                return True
        return False

    def attach() -> None:
        target = {"port_id": port_id} if port_id else {"net_id": network_id, "tag": tag}
        interface = conn.compute.create_server_interface(server_id, **target)
        operation_record_result(operation=operation, result_id=interface.port_id)

    _act(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="interface_attach",
        call=attach,
        done=attached,
    )
    if operation.result_id:
        reconcile_ports(conn=service_connection(), ids=[operation.result_id])
    _mirror(server_id, follow_up=True)


@operation_service
def server_interface_detach(
    *, conn: Connection, operation: Operation, server_id: str, port_id: str
) -> None:
    """Unplug the port from the server (already unplugged counts as done). Nova detaches in the
    background: the operation waits a little for the server's addresses to drop the port's."""
    with translated(doing=_doing("interface_detach", operation), service=NEUTRON):
        port = conn.network.find_port(port_id, ignore_missing=True)
    addresses = {fixed["ip_address"] for fixed in (port.fixed_ips if port else [])}

    def detached(server: Any) -> bool:
        return all(
            interface.port_id != port_id for interface in conn.compute.server_interfaces(server_id)
        )

    _act(
        conn=conn,
        operation=operation,
        server_id=server_id,
        action="interface_detach",
        call=lambda: conn.compute.delete_server_interface(port_id, server=server_id),
        done=detached,
    )
    _addresses_show(
        conn=conn,
        server_id=server_id,
        shown=lambda entries: all(entry["addr"] not in addresses for entry in entries),
    )
    reconcile_ports(conn=service_connection(), ids=[port_id])
    _mirror(server_id, follow_up=True)


@follows_port_devices("compute:")
def server_floating_ip_follow(
    *, conn: Connection, device_id: str, floating_ip_address: str, mapped: bool
) -> None:
    """A floating IP mapped to (or from) an address of the server: wait a little for Nova's
    addresses of the server to show it (or not), then mirror the server and follow it once
    more (the floating-IP services are networks': `networks.services.floating_ips`)."""
    _addresses_show(
        conn=conn,
        server_id=device_id,
        shown=lambda entries: (
            any(entry["addr"] == floating_ip_address for entry in entries) == mapped
        ),
    )
    _mirror(device_id, follow_up=True)
