"""RabbitMQ: reuse a broker that accepts guest/guest on 127.0.0.1:5672, or start Debian's."""

import json
import socket
import struct
import subprocess
import time
from pathlib import Path

from devcloud.commands import require, run_capture, which
from devcloud.console import DevcloudError, Progress
from devcloud.paths import Layout
from devcloud.ports import port_open

PORT = 5672
EPMD_PORT = 4369
_FRAME_END = b"\xce"
# Nova, Neutron and Glance send their notifications to a vhost of their own, where a policy bounds
# every queue: the notifier declares `notifications.info` itself and, with nothing draining it, it
# would grow for ever (devcloud notes, section 11). Oldest messages go first when one is full.
NOTIFICATIONS_VHOST = "devcloud-notifications"
NOTIFICATIONS_POLICY = "devcloud-bounded"
NOTIFICATIONS_LIMITS = {"max-length": 1000, "overflow": "drop-head", "message-ttl": 600_000}


def _shortstr(text: str) -> bytes:
    data = text.encode()
    return struct.pack("!B", len(data)) + data


def _send_method(sock: socket.socket, class_id: int, method_id: int, args: bytes) -> None:
    payload = struct.pack("!HH", class_id, method_id) + args
    sock.sendall(struct.pack("!BHI", 1, 0, len(payload)) + payload + _FRAME_END)


def _read_method(sock: socket.socket) -> tuple[int, int]:
    """Read one method frame and return its (class, method) ids."""
    header = _read_exactly(sock, 7)
    frame_type, _channel, size = struct.unpack("!BHI", header)
    payload = _read_exactly(sock, size + 1)
    if frame_type != 1:
        raise ConnectionError("not an AMQP method frame")
    class_id, method_id = struct.unpack("!HH", payload[:4])
    return class_id, method_id


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


def _handshake(sock: socket.socket, user: str, password: str, vhost: str) -> bool:
    """Log in and open `vhost`, then close cleanly; False if the broker refuses."""
    sock.sendall(b"AMQP\x00\x00\x09\x01")
    if _read_method(sock) != (10, 10):  # connection.start
        return False
    response = f"\0{user}\0{password}".encode()
    start_ok = struct.pack("!I", 0) + _shortstr("PLAIN")
    start_ok += struct.pack("!I", len(response)) + response + _shortstr("en_US")
    _send_method(sock, 10, 11, start_ok)
    if _read_method(sock) != (10, 30):  # connection.tune
        return False
    _send_method(sock, 10, 31, struct.pack("!HIH", 1, 131072, 0))  # tune-ok
    _send_method(sock, 10, 40, _shortstr(vhost) + _shortstr("") + b"\x00")  # open
    if _read_method(sock) != (10, 41):  # open-ok
        return False
    _send_method(sock, 10, 50, struct.pack("!H", 200) + _shortstr("") + struct.pack("!HH", 0, 0))
    return _read_method(sock) == (10, 51)  # close-ok


def broker_answers(user: str = "guest", password: str = "guest", vhost: str = "/") -> bool:
    """True if an AMQP broker on 127.0.0.1:5672 accepts this user on `vhost`."""
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=3) as sock:
            sock.settimeout(5)
            return _handshake(sock, user, password, vhost)
    except (OSError, ConnectionError, struct.error):
        return False


def _marker(layout: Layout) -> Path:
    """Present while a broker that devcloud started is running; says whether epmd was ours too."""
    return layout.run / "rabbitmq-started.json"


def _wait_ready(timeout: float = 90) -> None:
    """Wait until `rabbitmqctl -q status` succeeds and guest can log in."""
    rabbitmqctl = require("rabbitmqctl", "rabbitmq-server")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = subprocess.run(
            [rabbitmqctl, "-q", "status"], capture_output=True, check=False, timeout=60
        )
        if status.returncode == 0 and broker_answers():
            return
        time.sleep(1)
    raise DevcloudError(
        f"RabbitMQ did not become ready within {timeout:.0f} s; "
        "see /var/log/rabbitmq/ and `rabbitmqctl status`."
    )


def _wait_port_closed(timeout: float = 30) -> None:
    """`rabbitmqctl stop` returns before the Erlang VM has let go of the port."""
    deadline = time.monotonic() + timeout
    while port_open(PORT) and time.monotonic() < deadline:
        time.sleep(0.2)


def ensure_rabbitmq(layout: Layout, progress: Progress) -> None:
    """Reuse a broker on 5672 that accepts guest/guest, or start Debian's rabbitmq-server."""
    if broker_answers():
        return
    if port_open(PORT):
        raise DevcloudError(
            f"Something listens on 127.0.0.1:{PORT} but does not accept AMQP login guest/guest; "
            "devcloud needs a RabbitMQ there with the guest user (or nothing, so it can start one)."
        )
    server = require("rabbitmq-server", "rabbitmq-server")
    epmd_was_running = port_open(EPMD_PORT)
    with progress.step("start RabbitMQ (rabbitmq-server -detached)"):
        run_capture([server, "-detached"], what="rabbitmq-server -detached")
        layout.run.mkdir(parents=True, exist_ok=True)
        _marker(layout).write_text(json.dumps({"epmd_started": not epmd_was_running}))
        _wait_ready()


def rabbitmq_started_by_devcloud(layout: Layout) -> bool:
    """True if the broker in use is one that devcloud started (so `down` stops it)."""
    return _marker(layout).exists()


def stop_rabbitmq_if_ours(layout: Layout, progress: Progress) -> None:
    """Stop the broker, and epmd, only if devcloud started them."""
    marker = _marker(layout)
    if not marker.exists():
        return
    epmd_started = json.loads(marker.read_text()).get("epmd_started", False)
    with progress.step("stop RabbitMQ (started by devcloud)"):
        if port_open(PORT):
            rabbitmqctl = require("rabbitmqctl", "rabbitmq-server")
            run_capture([rabbitmqctl, "stop"], what="rabbitmqctl stop")
            _wait_port_closed()
        if epmd_started and port_open(EPMD_PORT):
            run_capture([require("epmd", "erlang-base"), "-kill"], what="epmd -kill")
        marker.unlink()


def notifications_url() -> str:
    """The AMQP URL of the notifications vhost, as the dashboard's listener reaches it."""
    return f"amqp://guest:guest@127.0.0.1:{PORT}/{NOTIFICATIONS_VHOST}"


def notifications_transport_url() -> str:
    """The same vhost as an oslo.messaging transport URL, for nova.conf and neutron.conf."""
    return f"rabbit://guest:guest@127.0.0.1:{PORT}/{NOTIFICATIONS_VHOST}"


def ensure_notifications_vhost(progress: Progress) -> bool:
    """Create the notifications vhost, let guest use it and bound its queues (idempotent).

    True when guest can open the vhost afterwards. Without a working `rabbitmqctl` (a shared
    broker whose Erlang cookie this user cannot read) it warns and returns False, and the cloud
    runs without notifications: the dashboard then keeps its mirror fresh by polling alone.
    """
    rabbitmqctl = which("rabbitmqctl")
    commands = [
        ["add_vhost", NOTIFICATIONS_VHOST],
        ["set_permissions", "-p", NOTIFICATIONS_VHOST, "guest", ".*", ".*", ".*"],
        [
            "set_policy",
            "-p",
            NOTIFICATIONS_VHOST,
            "--apply-to",
            "queues",
            NOTIFICATIONS_POLICY,
            ".*",
            json.dumps(NOTIFICATIONS_LIMITS),
        ],
    ]
    failure = ""
    with progress.step(f"RabbitMQ vhost {NOTIFICATIONS_VHOST} for notifications"):
        try:
            if rabbitmqctl is None:
                raise DevcloudError("`rabbitmqctl` is not installed.")
            for command in commands:
                run_capture([rabbitmqctl, "-q", *command], what=f"rabbitmqctl {command[0]}")
        except DevcloudError as error:
            failure = f"{error.message} {error.detail}".rstrip()
        ready = broker_answers(vhost=NOTIFICATIONS_VHOST)
    if failure:
        progress.say(f"warning: {failure}")
    if not ready:
        progress.say(
            f"warning: guest cannot open RabbitMQ vhost {NOTIFICATIONS_VHOST}, so Nova and "
            "Neutron will send no notifications; the dashboard's mirror will follow by polling."
        )
    return ready


def notifications_vhost_ready() -> bool:
    """True if guest can open the notifications vhost (a quick check, no rabbitmqctl)."""
    return broker_answers(vhost=NOTIFICATIONS_VHOST)
