"""Progress lines with timings, and the error type for expected failures."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DevcloudError(Exception):
    """An expected failure: its message (and detail, such as a log tail) is shown, no traceback."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class Progress:
    """Prints each step with the time since the command started and the step's own duration."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the command started."""
        return time.monotonic() - self.started

    def say(self, message: str) -> None:
        """Print one line prefixed with the elapsed time."""
        print(f"[{self.elapsed():6.1f}s] {message}", flush=True)

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Announce a step, then report how long it took (or that it failed)."""
        self.say(f"{label} ...")
        step_started = time.monotonic()
        try:
            yield
        except BaseException:
            self.say(f"{label}: failed after {time.monotonic() - step_started:.1f} s")
            raise
        self.say(f"{label}: done in {time.monotonic() - step_started:.1f} s")


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a text file, or a note that it does not exist."""
    if not path.exists():
        return f"({path} does not exist)"
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 256 * 1024))
        text = handle.read().decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def log_tail_detail(name: str, path: Path, lines: int = 30) -> str:
    """A titled log tail, ready to be shown under an error message."""
    return f"--- last {lines} lines of {path} ({name}) ---\n{tail(path, lines)}"
