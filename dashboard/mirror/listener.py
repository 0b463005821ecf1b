"""Nova, Neutron and Glance notifications turned into targeted reconciles of the objects they name.

They publish an event after each change (oslo.messaging `messagingv2` notifications:
`network.create.end`, `port.update.end`, `compute.instance.update`, `image.update`, ...) to their
topic exchanges (`nova`, `neutron`, `glance`) with routing key `<topic>.<priority>`. The listener
binds a queue of its own to them, so it takes nothing from other consumers (Ceilometer reads the
notifier's `notifications.info`), maps each event to (resource, ids) and reconciles those ids by
fetching them from the cloud with the service account. A fetch that answers 404 deletes the row.
Which exchanges, what an event names and how each resource is reconciled, the apps declare in
their `events` modules (`dashboard.mirror.notifications`); the listener imports no app.

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
from typing import Any

import structlog
from django.db import Error as DatabaseError
from django.db import close_old_connections, connection
from kombu import Connection, Exchange, Queue, binding
from kombu.message import Message

from dashboard.cloud.connection import Connection as CloudConnection
from dashboard.cloud.connection import service_connection
from dashboard.cloud.errors import CloudError, CloudTransientError
from dashboard.mirror.notifications import Target, event_registry
from dashboard.mirror.sync import SyncResult

log = structlog.get_logger(__name__)

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


def targets_from_notification(event_type: str, payload: Any) -> list[Target]:
    """The objects a notification says changed, each once, in event order, as the apps' `events`
    modules read it. Pure: unknown events and payloads without ids give no targets.
    """
    if not isinstance(payload, Mapping):
        return []
    return event_registry().targets(event_type, payload)


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
    *, conn: CloudConnection, targets: Mapping[str, Collection[str]]
) -> dict[str, SyncResult]:
    """Reconcile these objects by id, resource by resource in the registry's order; for each
    object now gone from the mirror, also the rows that depended on it (the resource's
    `dependents`). Idempotent.

    Raises CloudError from the first resource the cloud fails on; resources done before stay
    done, and reconciling the same targets again is harmless.
    """
    registry = event_registry()
    pending = {resource: set(ids) for resource, ids in targets.items() if ids}
    results: dict[str, SyncResult] = {}
    for resource, declared in registry.resources.items():
        ids = sorted(pending.pop(resource, ()))
        if not ids:
            continue
        results[resource] = declared.reconcile(conn=conn, ids=ids)
        if not declared.dependents:
            continue
        present = registry.model(resource)._default_manager.filter(pk__in=ids)
        gone = sorted(set(ids) - set(present.values_list("pk", flat=True)))
        for dependent in declared.dependents:
            owners = gone if dependent.only_when_gone else ids
            if owners:
                rows = registry.model(dependent.resource)._default_manager.filter(
                    **{f"{dependent.field}__in": owners}
                )
                pending.setdefault(dependent.resource, set()).update(
                    rows.values_list("pk", flat=True)
                )
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
        """Our queue, bound to every priority of the topic on the apps' exchanges (Nova's,
        Neutron's and Glance's)."""
        bindings = [
            # Declared (if need be) by `_ensure_exchanges`, with the notifier's own settings.
            binding(Exchange(name, type="topic", no_declare=True), routing_key=f"{self.topic}.*")
            for name in event_registry().exchanges
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
        for name in event_registry().exchanges:
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
