"""Nova and Neutron notifications turned into targeted reconciles of the objects they name.

Nova and Neutron publish an event after each change (oslo.messaging `messagingv2` notifications:
`network.create.end`, `port.update.end`, `compute.instance.update`, ...) to their topic
exchanges (`nova`, `neutron`) with routing key `<topic>.<priority>`. The listener binds a queue
of its own to both, so it takes nothing from other consumers (Ceilometer reads the notifier's
`notifications.info`), maps each event to (resource, ids) and reconciles those ids by fetching
them from the cloud with the service account. A fetch that answers 404 deletes the row.

Events are hints, never data: the mirror is written only from what the cloud answers, so an
event that is late, repeated or out of order does no harm, and one that is lost is caught by
beat's passes. Two threads keep the consumer from ever waiting on the cloud: the consumer only
decodes, maps and adds ids to a pending set (acknowledging at once: at most once, the passes are
the safety net); the reconciler takes the set after a short window, so a burst of events about
the same object costs one fetch, and runs the reconciles. When the cloud fails it keeps the ids
and retries with backoff; the pending set holds each id once, so it cannot grow with the events.
"""

import json
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, NamedTuple

import structlog
from django.db import Error as DatabaseError
from django.db import close_old_connections, connection
from kombu import Connection, Exchange, Queue, binding
from kombu.message import Message

from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudError, CloudTransientError
from dashboard.mirror.models import MirrorModel
from dashboard.mirror.sync import SyncResult
from instances.models import Server
from instances.reconcile import reconcile_servers
from networks.models import (
    FloatingIP,
    Network,
    Port,
    RBACPolicy,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)
from networks.reconcile import RECONCILERS as NEUTRON_RECONCILERS
from networks.reconcile import reconcile_port_forwardings_of_ports

log = structlog.get_logger(__name__)

# The exchanges Nova and Neutron publish notifications to (their `control_exchange`).
EXCHANGES = ("nova", "neutron")
# Our queue holds at most this many events and none older than the TTL (an idle listener's
# queue stays bounded; beat's passes cover what is dropped), and is removed after a day unused.
# RabbitMQ refuses to redeclare a queue with other arguments: rename the queue to change them.
QUEUE_ARGUMENTS = {"x-max-length": 10_000, "x-message-ttl": 3_600_000, "x-expires": 86_400_000}
PREFETCH = 200
# Seconds: how long the reconciler gathers ids after the first one arrives; the broker
# heartbeat; the longest wait between two attempts when the cloud or the broker fails.
WINDOW = 0.15
HEARTBEAT = 30
MAX_BACKOFF = 30.0
# Past this many distinct pending ids (a cloud down for long under heavy churn) new ones are
# dropped and left to beat's passes.
MAX_PENDING = 20_000

# Neutron's resource names in event types and payloads -> the mirror's resource names.
NEUTRON_RESOURCES = {
    "network": "networks",
    "subnet": "subnets",
    "port": "ports",
    "router": "routers",
    "floatingip": "floating_ips",
    "security_group": "security_groups",
    "security_group_rule": "security_group_rules",
    "rbac_policy": "rbac_policies",
}

# The objects RBAC entries share that the mirror holds: Neutron's object type -> resource name.
RBAC_OBJECTS = {"network": "networks", "subnetpool": "subnet_pools"}

# Neutron's collection names, as tag events name them -> the mirror's resource names.
TAGGED_RESOURCES = {
    "networks": "networks",
    "subnets": "subnets",
    "ports": "ports",
    "routers": "routers",
    "floatingips": "floating_ips",
    "security_groups": "security_groups",
}

Reconcile = Callable[..., SyncResult]
# Port forwarding events name the rule's internal port, not its floating IP: their targets are
# the internal ports, under a resource name of their own.
PORT_FORWARDINGS_BY_PORT = "port_forwardings_by_port"
RECONCILERS: dict[str, Reconcile] = {
    **NEUTRON_RECONCILERS,
    "servers": reconcile_servers,
    PORT_FORWARDINGS_BY_PORT: reconcile_port_forwardings_of_ports,
}
MODELS: dict[str, type[MirrorModel]] = {
    "servers": Server,
    "networks": Network,
    "subnets": Subnet,
    "ports": Port,
    "routers": Router,
    "floating_ips": FloatingIP,
    "security_groups": SecurityGroup,
    "security_group_rules": SecurityGroupRule,
    "rbac_policies": RBACPolicy,
}
# Rows the cloud changes without an event of their own when an object changes: (resource, model
# field holding the object's id, only when the object is gone). Deleting a network deletes its
# subnets, a group its rules, a port disassociates its floating IPs; clearing a router's
# gateway deletes the gateway port.
DEPENDENTS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "servers": (("ports", "device_id", True),),
    "networks": (("subnets", "network_id", True), ("ports", "network_id", True)),
    "routers": (("ports", "device_id", False),),
    "security_groups": (("security_group_rules", "security_group_id", True),),
    "ports": (("floating_ips", "port_id", True),),
}
# Every resource before those DEPENDENTS adds to the same batch.
ORDER = (
    "servers",
    "networks",
    "rbac_policies",
    "routers",
    "security_groups",
    "ports",
    "subnets",
    "floating_ips",
    "security_group_rules",
    PORT_FORWARDINGS_BY_PORT,  # after ports and floating IPs: it reads both from the mirror
)


class Target(NamedTuple):
    """One object an event names: the mirror's resource name and the OpenStack id."""

    resource: str
    id: str


def _ids(value: Any) -> list[str]:
    """The `id` of an object dict, or of each in a list (Neutron's bulk creates)."""
    items = value if isinstance(value, list) else [value]
    return [str(item["id"]) for item in items if isinstance(item, Mapping) and item.get("id")]


def _neutron_targets(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    if event_type.startswith("tag.") and event_type.endswith(".end"):
        # {"obj_resource": "networks", "obj_resource_id": ..., "tags": [...]}
        resource = TAGGED_RESOURCES.get(str(payload.get("obj_resource")))
        object_id = payload.get("obj_resource_id")
        return [Target(resource, str(object_id))] if resource and object_id else []
    if event_type in ("router.interface.create", "router.interface.delete"):
        # {"router_interface": {"id": <router>, "port_id", "subnet_id", "subnet_ids", ...}}
        interface = payload.get("router_interface") or {}
        targets = [Target("routers", str(interface["id"]))] if interface.get("id") else []
        if interface.get("port_id"):
            targets.append(Target("ports", str(interface["port_id"])))
        return targets
    if event_type.startswith("port_forwarding.") and event_type.endswith(".end"):
        # {"port_forwarding": {"id", "internal_port_id", ...}} (deletes too): no floating IP id.
        port_id = (payload.get("port_forwarding") or {}).get("internal_port_id")
        if not port_id:
            return []
        return [Target("ports", str(port_id)), Target(PORT_FORWARDINGS_BY_PORT, str(port_id))]
    singular, _, action = event_type.partition(".")
    resource = NEUTRON_RESOURCES.get(singular)
    # `.start` comes before the change is made; only `.end` says it is done.
    if resource is None or not action.endswith(".end"):
        return []
    ids = _ids(payload.get(singular)) + _ids(payload.get(f"{singular}s"))
    if payload.get(f"{singular}_id"):  # deletes: {"network_id": ...}
        ids.append(str(payload[f"{singular}_id"]))
    targets = [Target(resource, object_id) for object_id in ids]
    if singular == "rbac_policy":
        # An entry shares or exposes its object: the object's `shared` changes with it.
        policy = payload.get(singular)
        if isinstance(policy, Mapping) and policy.get("object_type") in RBAC_OBJECTS:
            targets.append(Target(RBAC_OBJECTS[policy["object_type"]], str(policy["object_id"])))
    if singular == "security_group_rule":
        # A rule's change bumps its group's revision number.
        rules = payload.get(singular)
        for rule in rules if isinstance(rules, list) else [rules]:
            if isinstance(rule, Mapping) and rule.get("security_group_id"):
                targets.append(Target("security_groups", str(rule["security_group_id"])))
    return targets


def targets_from_notification(event_type: str, payload: Any) -> list[Target]:
    """The objects a Nova or Neutron notification says changed, each once, in event order.

    Pure: unknown events and payloads without ids give no targets.
    """
    if not isinstance(payload, Mapping):
        return []
    if event_type.startswith("compute.instance."):
        # Nova's legacy (unversioned) format: every compute.instance.* payload has instance_id.
        server_id = payload.get("instance_id")
        targets = [Target("servers", str(server_id))] if server_id else []
    else:
        targets = _neutron_targets(event_type, payload)
    return list(dict.fromkeys(targets))


def notification_from_body(body: Any) -> tuple[str, Any] | None:
    """(event_type, payload) of a message body, or None if it is no notification.

    `messagingv2` wraps the notification as a JSON string in `oslo.message`; the older
    `messaging` driver sends it bare. Only these two keys are read: the rest (`_context_*`)
    holds the caller's request context, its token included, and is never logged.
    """
    if isinstance(body, bytes | str):
        body = json.loads(body)
    if isinstance(body, Mapping) and "oslo.message" in body:
        body = json.loads(body["oslo.message"])
    if not isinstance(body, Mapping) or not isinstance(body.get("event_type"), str):
        return None
    return body["event_type"], body.get("payload")


def reconcile_targets(
    *, conn: Any, targets: Mapping[str, Collection[str]]
) -> dict[str, SyncResult]:
    """Reconcile these objects by id, resource by resource; for each object now gone from the
    mirror, also the rows that depended on it (see DEPENDENTS). Idempotent.

    Raises CloudError from the first resource the cloud fails on; resources done before stay
    done, and reconciling the same targets again is harmless.
    """
    pending = {resource: set(ids) for resource, ids in targets.items() if ids}
    results: dict[str, SyncResult] = {}
    for resource in ORDER:
        ids = sorted(pending.pop(resource, ()))
        if not ids:
            continue
        results[resource] = RECONCILERS[resource](conn=conn, ids=ids)
        dependents = DEPENDENTS.get(resource, ())
        if not dependents:
            continue
        present = MODELS[resource]._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        gone = sorted(set(ids) - set(present))
        for dependent, field, only_when_gone in dependents:
            owners = gone if only_when_gone else ids
            if owners:
                rows = MODELS[dependent]._default_manager.filter(**{f"{field}__in": owners})
                pending.setdefault(dependent, set()).update(rows.values_list("pk", flat=True))
    return results


def _summary(results: Mapping[str, SyncResult]) -> dict[str, str]:
    return {
        resource: f"+{r.created} ~{r.updated} -{r.deleted}"
        for resource, r in results.items()
        if r.created or r.updated or r.deleted
    }


class NotificationListener:
    """Consume notifications from `url` into queue `queue`, reconcile what they name, until
    `stop()`. `exclusive` gives a queue that lives only while this listener is connected (tests,
    benchmarks); otherwise the named queue keeps events while the listener restarts.
    """

    def __init__(
        self,
        *,
        url: str,
        queue: str,
        topic: str = "notifications",
        exclusive: bool = False,
        window: float = WINDOW,
        heartbeat_file: Path | None = None,
        reconcile: Callable[[Mapping[str, Collection[str]]], Mapping[str, SyncResult]]
        | None = None,
    ) -> None:
        self.url = url
        self.queue_name = queue
        self.topic = topic
        self.exclusive = exclusive
        self.window = window
        self.heartbeat_file = heartbeat_file
        self._reconcile = reconcile or (
            lambda targets: reconcile_targets(conn=service_connection(), targets=targets)
        )
        self.ready = threading.Event()  # set while consuming
        self._stopping = threading.Event()
        self._lock = threading.Condition()
        self._pending: dict[str, set[str]] = {}
        self._pending_count = 0
        self._dropped = 0
        self._first_pending_at = 0.0
        self._reconciler = threading.Thread(
            target=self._reconcile_loop, name="mirror-reconciler", daemon=True
        )

    # ---- lifecycle ----------------------------------------------------------------------------

    def run(self) -> None:
        """Consume until `stop()`, reconnecting with backoff when the broker is lost."""
        self._reconciler.start()
        delay = 1.0
        try:
            while not self._stopping.is_set():
                started = time.monotonic()
                try:
                    self._consume()
                except Exception as exc:
                    self.ready.clear()
                    if time.monotonic() - started > 5 * MAX_BACKOFF:
                        delay = 1.0  # it ran fine for a while: this is a new outage
                    log.warning(
                        "listener.consume_failed",
                        broker=self._broker(),
                        error=f"{type(exc).__name__}: {exc}",
                        retry_in=delay,
                    )
                    self._stopping.wait(delay)
                    delay = min(delay * 2, MAX_BACKOFF)
                if not self._reconciler.is_alive() and not self._stopping.is_set():
                    raise RuntimeError("the mirror reconciler thread died; see the log above")
        finally:
            self.ready.clear()
            with self._lock:
                self._lock.notify_all()
            self._reconciler.join(timeout=60)
            log.info("listener.stopped")

    def stop(self) -> None:
        """Ask `run()` to return: the consumer within a second, the reconciler after its batch."""
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()

    def install_signal_handlers(self) -> None:
        """Stop on SIGTERM and SIGINT (call from the main thread)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda _signum, _frame: self.stop())

    # ---- consumer thread ------------------------------------------------------------------------

    def _broker(self) -> str:
        return Connection(self.url).as_uri()  # the password masked

    def queue(self) -> Queue:
        """Our queue, bound to every priority of the topic on Nova's and Neutron's exchanges."""
        bindings = [
            # Declared (if need be) by `_ensure_exchanges`, with the notifier's own settings.
            binding(Exchange(name, type="topic", no_declare=True), routing_key=f"{self.topic}.*")
            for name in EXCHANGES
        ]
        return Queue(
            self.queue_name,
            bindings=bindings,
            durable=False,  # as the notifier's own queues (devcloud notes, section 11)
            exclusive=self.exclusive,
            auto_delete=self.exclusive,
            queue_arguments=QUEUE_ARGUMENTS,
        )

    def _ensure_exchanges(self, amqp: Connection) -> None:
        """Bind to the notifier's exchanges as they are; create one (as oslo.messaging does by
        default: transient) only when no notification has made it yet. A cloud with
        `amqp_durable_queues = true` made them durable: declaring ours otherwise would fail."""
        for name in EXCHANGES:
            try:
                with amqp.channel() as channel:
                    Exchange(name, type="topic", passive=True).declare(channel=channel)
            except amqp.channel_errors:  # 404: it does not exist yet
                with amqp.channel() as channel:
                    Exchange(name, type="topic", durable=False).declare(channel=channel)

    def _consume(self) -> None:
        with Connection(self.url, heartbeat=HEARTBEAT, connect_timeout=5) as amqp:
            amqp.ensure_connection(max_retries=1)
            self._ensure_exchanges(amqp)
            queue = self.queue()
            with amqp.Consumer(
                [queue], callbacks=[self._on_message], accept=["json"], prefetch_count=PREFETCH
            ):
                log.info("listener.consuming", broker=self._broker(), queue=queue.name)
                self.ready.set()
                while not self._stopping.is_set():
                    with suppress(TimeoutError):
                        amqp.drain_events(timeout=1.0)
                    amqp.heartbeat_check()
                    self._beat()
                    if not self._reconciler.is_alive():
                        return

    def _beat(self) -> None:
        if self.heartbeat_file is not None:
            self.heartbeat_file.touch()

    def _on_message(self, body: Any, message: Message) -> None:
        message.ack()
        try:
            notification = notification_from_body(body)
            if notification is None:
                return
            event_type, payload = notification
            targets = targets_from_notification(event_type, payload)
        except Exception as exc:
            # One malformed message must not stop the stream; never log its body (it can hold
            # a token in the request context or, for the scheduler, in its payload).
            log.warning("listener.undecodable", error=f"{type(exc).__name__}: {exc}")
            return
        if targets:
            log.debug(
                "listener.event",
                event_type=event_type,
                targets=[f"{target.resource}:{target.id}" for target in targets],
            )
            self.add(targets)

    def add(self, targets: Iterable[Target]) -> None:
        """Queue these objects for the next batch (each pending id is held once)."""
        with self._lock:
            for target in targets:
                ids = self._pending.setdefault(target.resource, set())
                if target.id in ids:
                    continue
                if self._pending_count >= MAX_PENDING:
                    self._dropped += 1
                    continue
                if not self._pending_count:
                    self._first_pending_at = time.monotonic()
                ids.add(target.id)
                self._pending_count += 1
            self._lock.notify_all()

    # ---- reconciler thread ----------------------------------------------------------------------

    def _take(self) -> dict[str, set[str]] | None:
        """Wait for pending ids and the end of their window; None once stopping with none left."""
        with self._lock:
            while not self._pending_count:
                if self._stopping.is_set():
                    return None
                self._lock.wait()
            due = self._first_pending_at + self.window
        self._stopping.wait(max(0.0, due - time.monotonic()))
        with self._lock:
            batch, self._pending, self._pending_count = self._pending, {}, 0
            dropped, self._dropped = self._dropped, 0
        if dropped:
            log.warning("listener.overflow", dropped=dropped, pending=MAX_PENDING)
        return batch

    def _reconcile_loop(self) -> None:
        delay = 1.0
        try:
            while (batch := self._take()) is not None:
                if self._run_batch(batch):
                    delay = 1.0
                    continue
                if self._stopping.is_set():
                    break  # beat's passes will catch up
                # The cloud (or the database) failed: keep the ids and try again later.
                self.add(
                    Target(resource, object_id)
                    for resource, ids in batch.items()
                    for object_id in ids
                )
                self._stopping.wait(delay)
                delay = min(delay * 2, MAX_BACKOFF)
        finally:
            connection.close()

    def _run_batch(self, batch: Mapping[str, Collection[str]]) -> bool:
        """Reconcile one batch; False when it should be retried."""
        started = time.monotonic()
        close_old_connections()
        counts = {resource: len(ids) for resource, ids in batch.items()}
        try:
            results = self._reconcile(batch)
        except CloudTransientError as exc:
            log.warning("listener.cloud_unavailable", targets=counts, error=str(exc))
            return False
        except CloudError as exc:
            # Refused (401, 403): retrying cannot help; beat's passes will try again.
            log.error("listener.reconcile_refused", targets=counts, error=str(exc))
            return True
        except DatabaseError as exc:
            log.warning("listener.database_error", targets=counts, error=str(exc))
            close_old_connections()
            return False
        except Exception:
            log.exception("listener.reconcile_crashed", targets=counts)
            return True
        took_ms = round((time.monotonic() - started) * 1000)
        changes = _summary(results)
        if changes:
            log.info("listener.reconciled", took_ms=took_ms, **changes)
        else:
            log.debug("listener.unchanged", took_ms=took_ms, targets=counts)
        return True
