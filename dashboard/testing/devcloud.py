"""Stopping one service of the local cloud for a test, and always starting it again.

The local cloud is shared by everyone working on this machine, so an outage is kept short and
`python3 -m devcloud up` (which starts whatever is not running) ends it whatever the test did.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings

DEVCLOUD_TIMEOUT = 180.0


def _devcloud(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devcloud", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=DEVCLOUD_TIMEOUT,
        check=False,
    )


def service_status(name: str) -> dict[str, Any]:
    """A running devcloud service's pid and port, from `devcloud status --json`."""
    status = json.loads(_devcloud("status", "--json").stdout)
    for service in status["services"]:
        if service["name"] == name and service["pid"]:
            return dict(service)
    raise AssertionError(f"devcloud service {name} is not running: {status}")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Outage:
    """A stopped service; `restore()` starts it again (idempotent)."""

    name: str
    started_at: float
    restored_after: float | None = None

    def restore(self) -> None:
        if self.restored_after is not None:
            return
        result = _devcloud("up")
        if result.returncode != 0:
            raise AssertionError(
                f"`devcloud up` could not restore {self.name}:\n{result.stdout}{result.stderr}"
            )
        self.restored_after = time.monotonic() - self.started_at


@contextmanager
def service_stopped(name: str) -> Iterator[Outage]:
    """Kill a devcloud service's whole process group (a crash); restore it on the way out."""
    service = service_status(name)
    # Each service runs in a session of its own, led by the recorded pid (uWSGI's master and
    # its workers alike), so the group goes down at once and the port stops answering.
    os.killpg(service["pid"], signal.SIGKILL)
    outage = Outage(name=name, started_at=time.monotonic())
    try:
        deadline = time.monotonic() + 10
        while service["port"] and _answers(service["port"]):
            assert time.monotonic() < deadline, f"{name} still answers after SIGKILL"
            time.sleep(0.05)
        yield outage
    finally:
        outage.restore()
