"""Detached processes with pid files: start, find, stop."""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process (field 22 of /proc/PID/stat), to tell reused pids."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None
    return fields[19]


class PidFile:
    """A pid file holding `PID STARTTIME`, so a recycled pid is never taken for ours."""

    def __init__(self, run_dir: Path, name: str) -> None:
        self.path = run_dir / f"{name}.pid"

    def write(self, pid: int) -> None:
        """Record a just-started process."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(f"{pid} {_start_time(pid) or '?'}\n")

    def alive_pid(self) -> int | None:
        """The recorded pid if that very process still runs; a stale file is removed."""
        try:
            pid_text, started = self.path.read_text().split()
        except (OSError, ValueError):
            return None
        pid = int(pid_text)
        if _start_time(pid) == started:
            return pid
        self.path.unlink(missing_ok=True)
        return None

    def remove(self) -> None:
        """Forget the process."""
        self.path.unlink(missing_ok=True)


def start_detached(argv: list[str], *, env: dict[str, str], log: Path, cwd: Path) -> int:
    """Start a process in its own session, stdout and stderr appended to `log`; return its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    return process.pid


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid: int) -> None:
    """Collect the exit status if the process is our own child (it is not after a re-run)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _signal_and_wait(pgid: int, signum: int, timeout: float) -> bool:
    """Send `signum` to the group; True once the whole group is gone within `timeout`."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pgid)
        if not _group_alive(pgid):
            return True
        time.sleep(0.05)
    return False


def stop_group(pid: int, timeout: float = 15.0) -> None:
    """SIGTERM the process group led by `pid` (skipped if `timeout` is 0), then SIGKILL it."""
    if timeout > 0 and _signal_and_wait(pid, signal.SIGTERM, timeout):
        return
    _signal_and_wait(pid, signal.SIGKILL, 10.0)
