"""The notification listener: events mapped to objects, and the mirror following outside changes.

The JSON files in `notifications/` are real notifications captured from the local cloud (Nova's
legacy format, Neutron's), with the request context (`_context_*`, which holds the caller's token)
left out; the apps' `events` modules read them. The `image.*` ones are written from Glance's
notifier (`format_image_notification`, `format_image_member_notification` in glance/notifier.py),
until the local cloud's Glance sends notifications and they are captured. The live tests run a
listener thread on a queue of their own against the local cloud's RabbitMQ vhost. The mirror
following changes made outside the dashboard is tested in `tests/test_outside_changes.py`.
"""

import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from kombu import Connection, Exchange, Producer

from dashboard.cloud.errors import CloudTransientError
from dashboard.mirror.listener import (
    NotificationListener,
    notification_from_body,
    targets_from_notification,
)
from dashboard.mirror.notifications import Target, event_registry
from dashboard.mirror.sync import SyncResult

NOTIFICATIONS = Path(__file__).parent / "notifications"
BOUND = 15.0


def captured(event_type: str) -> dict[str, Any]:
    """A notification captured from the local cloud."""
    notification: dict[str, Any] = json.loads((NOTIFICATIONS / f"{event_type}.json").read_text())
    return notification


def _object(singular: str) -> Callable[[dict[str, Any]], list[Target]]:
    resources = {
        "network": "networks",
        "subnet": "subnets",
        "port": "ports",
        "router": "routers",
        "floatingip": "floating_ips",
        "security_group": "security_groups",
    }
    return lambda payload: [Target(resources[singular], payload[singular]["id"])]


def _interface(payload: dict[str, Any]) -> list[Target]:
    interface = payload["router_interface"]
    return [Target("routers", interface["id"]), Target("ports", interface["port_id"])]


def _rule(payload: dict[str, Any]) -> list[Target]:
    rule = payload["security_group_rule"]
    return [
        Target("security_group_rules", rule["id"]),
        Target("security_groups", rule["security_group_id"]),
    ]


def _port_forwarding(payload: dict[str, Any]) -> list[Target]:
    port_id = payload["port_forwarding"]["internal_port_id"]
    return [Target("ports", port_id), Target("port_forwardings_by_port", port_id)]


def _rbac_policy(payload: dict[str, Any]) -> list[Target]:
    policy = payload["rbac_policy"]
    return [Target("rbac_policies", policy["id"]), Target("networks", policy["object_id"])]


def _server(payload: dict[str, Any]) -> list[Target]:
    return [Target("servers", payload["instance_id"])]


def _keypair(payload: dict[str, Any]) -> list[Target]:
    return [Target("keypairs", f"{payload['user_id']}:{payload['key_name']}")]


def _image(payload: dict[str, Any]) -> list[Target]:
    return [Target("images", payload.get("image_id") or payload["id"])]


EXPECTED: dict[str, Callable[[dict[str, Any]], list[Target]]] = {
    "network.create.start": lambda payload: [],
    "network.create.end": _object("network"),
    "network.update.end": _object("network"),
    "network.delete.end": _object("network"),
    "subnet.create.end": _object("subnet"),
    "port.create.end": _object("port"),
    "port.update.end": _object("port"),
    "port.delete.end": _object("port"),
    "router.create.end": _object("router"),
    "router.update.end": _object("router"),
    "router.interface.create": _interface,
    "router.interface.delete": _interface,
    "router.delete.end": _object("router"),
    "floatingip.create.end": _object("floatingip"),
    "floatingip.update.end": _object("floatingip"),
    "floatingip.delete.end": _object("floatingip"),
    "security_group.create.end": _object("security_group"),
    "security_group.delete.end": _object("security_group"),
    "security_group_rule.create.end": _rule,
    "security_group_rule.delete.end": _rule,
    "port_forwarding.create.end": _port_forwarding,
    "port_forwarding.update.end": _port_forwarding,
    "port_forwarding.delete.end": _port_forwarding,
    "rbac_policy.create.end": _rbac_policy,
    "rbac_policy.delete.end": _rbac_policy,
    "tag.update.end": lambda payload: [Target(payload["obj_resource"], payload["obj_resource_id"])],
    "compute.instance.create.start": _server,
    "compute.instance.update": _server,
    "compute.instance.create.end": _server,
    "compute.instance.delete.end": _server,
    "keypair.import.start": lambda payload: [],
    "keypair.import.end": _keypair,
    "keypair.delete.end": _keypair,
    "image.create": _image,
    "image.update": _image,
    "image.delete": _image,
    "image.member.create": _image,
    "image.send": lambda payload: [],
}


def test_every_captured_notification_has_an_expectation() -> None:
    assert {path.stem for path in NOTIFICATIONS.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("event_type", sorted(EXPECTED))
def test_a_captured_notification_names_the_objects_it_changed(event_type: str) -> None:
    notification = captured(event_type)
    payload = notification["payload"]

    targets = targets_from_notification(notification["event_type"], payload)

    assert targets == EXPECTED[event_type](payload)


@pytest.mark.parametrize("event_type", sorted(EXPECTED))
def test_every_object_a_notification_names_is_of_a_resource_an_app_reconciles(
    event_type: str,
) -> None:
    notification = captured(event_type)

    targets = targets_from_notification(notification["event_type"], notification["payload"])

    assert {target.resource for target in targets} <= set(event_registry().resources)


def test_an_rbac_entry_on_a_subnet_pool_names_the_pool_too() -> None:
    policy = {"id": "r1", "object_type": "subnetpool", "object_id": "sp1"}

    targets = targets_from_notification("rbac_policy.create.end", {"rbac_policy": policy})

    assert targets == [Target("rbac_policies", "r1"), Target("subnet_pools", "sp1")]
    assert "subnet_pools" in event_registry().resources


def test_deletes_name_the_object_once_though_the_payload_names_it_twice() -> None:
    payload = captured("port.delete.end")["payload"]

    assert payload["port_id"] == payload["port"]["id"]
    assert targets_from_notification("port.delete.end", payload) == [
        Target("ports", payload["port_id"])
    ]


def test_a_bulk_create_names_every_object() -> None:
    port = captured("port.create.end")["payload"]["port"]
    other = {**port, "id": "another-port"}

    targets = targets_from_notification("port.create.end", {"ports": [port, other]})

    assert targets == [Target("ports", port["id"]), Target("ports", "another-port")]


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("scheduler.select_destinations.end", {"request_spec": {}}),
        ("network.update.end", {}),
        ("network.update.end", None),
        ("tag.update.end", {"obj_resource": "trunks", "obj_resource_id": "t1", "tags": []}),
        ("port.update.start", {"port": {"id": "p1"}}),
    ],
)
def test_events_without_a_mirrored_object_name_nothing(event_type: str, payload: Any) -> None:
    assert targets_from_notification(event_type, payload) == []


def test_a_messagingv2_envelope_is_unwrapped() -> None:
    notification = captured("network.create.end")
    # oslo.messaging's messagingv2 driver sends the notification as a JSON string, next to the
    # request context (left out of the captured files).
    body = {"oslo.version": "2.0", "oslo.message": json.dumps(notification)}

    assert notification_from_body(body) == ("network.create.end", notification["payload"])
    assert notification_from_body(json.dumps(body).encode()) == (
        "network.create.end",
        notification["payload"],
    )
    assert notification_from_body({"oslo.version": "2.0", "oslo.message": "{}"}) is None


# ---- against the local cloud's RabbitMQ ---------------------------------------------------------


def _notifications_url() -> str:
    url = str(settings.OPENSTACK_NOTIFICATIONS_URL)
    if not url:
        pytest.fail(
            "OPENSTACK_NOTIFICATIONS_URL is not set: the local cloud sends no notifications. "
            "Run `python3 -m devcloud up` and see its output about the notifications vhost."
        )
    return url


Recorder = Callable[[Mapping[str, Collection[str]]], Mapping[str, SyncResult]]


@pytest.fixture
def run_listener() -> Iterator[Callable[..., NotificationListener]]:
    """Start a listener thread on a queue of its own (exclusive); stopped after the test."""
    started: list[tuple[NotificationListener, threading.Thread]] = []

    def run(**options: Any) -> NotificationListener:
        options.setdefault("url", _notifications_url())
        options.setdefault("exclusive", True)
        listener = NotificationListener(
            queue=f"dashboard-mirror-test-{secrets.token_hex(4)}", **options
        )
        thread = threading.Thread(target=listener.run, daemon=True)
        thread.start()
        started.append((listener, thread))
        assert listener.ready.wait(10), "the listener did not start consuming within 10 s"
        return listener

    yield run
    for listener, thread in started:
        listener.stop()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the listener did not stop within 30 s"


def _publish(url: str, topic: str, notifications: list[dict[str, Any]]) -> None:
    """Send notifications the way oslo.messaging's messagingv2 notifier does."""
    with Connection(url) as amqp:
        producer = Producer(amqp, exchange=Exchange("neutron", type="topic", no_declare=True))
        for notification in notifications:
            body = {"oslo.version": "2.0", "oslo.message": json.dumps(notification)}
            producer.publish(body, routing_key=f"{topic}.info", serializer="json")


@pytest.mark.cloud
def test_a_burst_of_events_is_reconciled_in_few_batches_each_object_once(
    run_listener: Callable[..., NotificationListener],
) -> None:
    """Events published on a topic of this test's own, so no other listener sees them."""
    batches: list[dict[str, set[str]]] = []
    done = threading.Event()

    def record(targets: Mapping[str, Collection[str]]) -> Mapping[str, SyncResult]:
        batches.append({resource: set(ids) for resource, ids in targets.items()})
        if sum(len(ids) for batch in batches for ids in batch.values()) >= 2:
            done.set()
        return {}

    topic = f"test-{secrets.token_hex(4)}"
    listener = run_listener(topic=topic, reconcile=record)
    port = captured("port.update.end")
    network = captured("network.create.end")

    _publish(listener.url, topic, [port] * 50 + [network])

    assert done.wait(BOUND)
    time.sleep(0.5)  # a later, duplicate batch would show up here
    merged: dict[str, list[str]] = {}
    for batch in batches:
        for resource, ids in batch.items():
            merged.setdefault(resource, []).extend(ids)
    assert merged == {
        "ports": [port["payload"]["port"]["id"]],
        "networks": [network["payload"]["network"]["id"]],
    }
    assert len(batches) <= 2


@pytest.mark.cloud
def test_targets_are_kept_and_retried_while_the_cloud_is_unavailable(
    run_listener: Callable[..., NotificationListener],
) -> None:
    """The failure is staged in the reconcile callable: the local cloud cannot be made to fail
    on demand without disturbing other tests."""
    calls: list[dict[str, set[str]]] = []
    done = threading.Event()

    def flaky(targets: Mapping[str, Collection[str]]) -> Mapping[str, SyncResult]:
        calls.append({resource: set(ids) for resource, ids in targets.items()})
        if len(calls) == 1:
            raise CloudTransientError("Could not read network n1: Neutron is unreachable.")
        done.set()
        return {}

    topic = f"test-{secrets.token_hex(4)}"
    listener = run_listener(topic=topic, reconcile=flaky)
    network = captured("network.create.end")

    _publish(listener.url, topic, [network])

    assert done.wait(BOUND)
    assert calls == [{"networks": {network["payload"]["network"]["id"]}}] * 2


def test_a_listener_without_a_broker_keeps_retrying_and_stops_when_asked() -> None:
    listener = NotificationListener(url="amqp://guest:guest@127.0.0.1:1//", queue="unused")
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    time.sleep(1.5)

    listener.stop()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert not listener.ready.is_set()


class _BrokerProxy:
    """A TCP forwarder to RabbitMQ whose connections a test can cut, as a broker restart or a
    network failure would. The fault is real (the listener's socket is closed under it); only
    its timing is staged."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.accepted += 1
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            end.close()

    def cut(self) -> None:
        """Close every forwarded connection at once."""
        for end in self.sockets:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.mark.cloud
def test_the_listener_reconnects_when_it_loses_the_broker(
    run_listener: Callable[..., NotificationListener],
) -> None:
    url = urlsplit(_notifications_url())
    proxy = _BrokerProxy(url.hostname or "127.0.0.1", url.port or 5672)
    login = f"{url.username}:{url.password}"
    proxied = urlunsplit(url._replace(netloc=f"{login}@127.0.0.1:{proxy.port}"))
    seen: list[dict[str, set[str]]] = []

    def record(targets: Mapping[str, Collection[str]]) -> Mapping[str, SyncResult]:
        seen.append({resource: set(ids) for resource, ids in targets.items()})
        return {}

    topic = f"test-{secrets.token_hex(4)}"
    # Not exclusive: RabbitMQ would keep an exclusive queue locked until it notices that the
    # connection that declared it is gone, and refuse it to the new connection meanwhile.
    listener = run_listener(url=proxied, topic=topic, reconcile=record, exclusive=False)
    try:
        proxy.cut()
        _eventually(lambda: proxy.accepted >= 2, "a new connection")
        assert listener.ready.wait(BOUND)
        network = captured("network.create.end")

        _publish(_notifications_url(), topic, [network])

        _eventually(lambda: seen, "the event after reconnecting")
        assert seen == [{"networks": {network["payload"]["network"]["id"]}}]
    finally:
        proxy.close()
        with Connection(_notifications_url()) as amqp:
            listener.queue()(amqp.default_channel).delete()


def _eventually[T](check: Callable[[], T], what: str) -> T:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {BOUND:.0f} s")
