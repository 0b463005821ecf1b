"""Running external commands: finding them, logging their output, failing with a clear message."""

import os
import shutil
import subprocess
from pathlib import Path

from devcloud.console import DevcloudError, log_tail_detail

SBIN_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def which(command: str) -> str | None:
    """Find a command on PATH or in the sbin directories (not always on a user's PATH)."""
    path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(SBIN_DIRS)
    return shutil.which(command, path=path)


def require(command: str, package: str) -> str:
    """The path of a command that must exist, or a clear error naming its apt package."""
    found = which(command)
    if not found:
        raise DevcloudError(
            f"`{command}` is not installed; run `python3 -m devcloud install` "
            f"(it installs the apt package {package})."
        )
    return found


def run_logged(
    argv: list[str],
    *,
    log: Path,
    what: str,
    env: dict[str, str] | None = None,
    stdin: Path | None = None,
) -> None:
    """Run a command with its output appended to `log`; on failure raise with the log's tail."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        output.write(f"\n$ {' '.join(argv)}\n".encode())
        output.flush()
        try:
            with stdin.open("rb") if stdin else open(os.devnull, "rb") as source:
                result = subprocess.run(
                    argv, stdin=source, stdout=output, stderr=subprocess.STDOUT, env=env
                )
        except OSError as exc:
            raise DevcloudError(f"{what} could not run: {exc}.") from exc
    if result.returncode != 0:
        raise DevcloudError(
            f"{what} failed (exit {result.returncode}).", detail=log_tail_detail(what, log)
        )


def run_capture(argv: list[str], *, what: str, timeout: float = 60) -> str:
    """Run a short command and return its stdout; on failure raise with its stderr."""
    try:
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DevcloudError(f"{what} could not run: {exc}.") from exc
    if result.returncode != 0:
        raise DevcloudError(
            f"{what} failed (exit {result.returncode}).", detail=result.stderr.strip()[-3000:]
        )
    return result.stdout
