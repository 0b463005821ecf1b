"""The Celery app as a test's worker subprocess runs it: `celery -A dashboard.testing.worker_app`.

The `worker_processes` fixture (`dashboard.testing.worker`) starts real worker processes with
this module, which is the production app plus what a test needs to kill one at a known point:

- `TEST_WORKER_QUEUE` names the queue of the test's own: its unacked messages are kept under keys
  of their own, redelivered after `TEST_WORKER_VISIBILITY_TIMEOUT` seconds (checked every second),
  so the worker restarted after a `kill -9` gets the killed worker's message back within seconds,
  and no other test session's messages on the same Redis database are touched. As in production,
  retry countdowns stay shorter than the visibility timeout: a message waiting for its countdown
  is unacknowledged too, and would otherwise be delivered a second time.
- `TEST_WORKER_PAUSE` (`after:module:Class.method` or `before:...`, e.g.
  `after:openstack.network.v2._proxy:Proxy.create_network`) blocks the worker until it is
  killed, right after that SDK call returned from the cloud (or right before it is made), and
  writes `TEST_WORKER_PAUSED_FILE` to say so. The cloud is not faked: the calls are real, only
  the moment of the kill is chosen.
- `TEST_WORKER_READY_FILE` is written when the worker is ready to consume.
"""

import functools
import json
import os
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from celery.signals import worker_ready
from django.conf import settings

from dashboard.celery import app

__all__ = ["app"]

QUEUE = os.environ["TEST_WORKER_QUEUE"]
VISIBILITY_TIMEOUT = float(os.environ.get("TEST_WORKER_VISIBILITY_TIMEOUT", "5"))

settings.OPERATION_RETRY_BACKOFF_MAX = min(settings.OPERATION_RETRY_BACKOFF_MAX, 1.0)
# A killed worker's claim is taken over when its message comes back, VISIBILITY_TIMEOUT later.
settings.OPERATION_CLAIM_LEASE = VISIBILITY_TIMEOUT / 2
app.conf.broker_transport_options = {
    "visibility_timeout": VISIBILITY_TIMEOUT,
    "unacked_key": f"{QUEUE}:unacked",
    "unacked_index_key": f"{QUEUE}:unacked_index",
    "unacked_mutex_key": f"{QUEUE}:unacked_mutex",
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def _pause(spec: str, paused_file: Path) -> None:
    """Make `module:Class.method` block the process before or after the real call."""
    when, _, target = spec.partition(":")
    module_name, _, attribute = target.partition(":")
    class_name, method_name = attribute.split(".")
    owner = getattr(import_module(module_name), class_name)
    original = getattr(owner, method_name)
    if when not in ("before", "after"):
        raise ValueError(f"TEST_WORKER_PAUSE must start with before: or after:, not {spec!r}")

    def block() -> None:
        paused_file.write_text(json.dumps({"pause": spec}))
        while True:  # until the test kills this process
            time.sleep(60)

    @functools.wraps(original)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            block()
        result = original(*args, **kwargs)
        block()
        return result

    setattr(owner, method_name, paused)


if pause := os.environ.get("TEST_WORKER_PAUSE"):
    _pause(pause, Path(os.environ["TEST_WORKER_PAUSED_FILE"]))


@worker_ready.connect
def _announce_ready(**kwargs: Any) -> None:
    if ready_file := os.environ.get("TEST_WORKER_READY_FILE"):
        Path(ready_file).write_text(str(os.getpid()))
