"""`install`: system packages from apt, then the devcloud virtualenv (skipped when up to date)."""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devcloud.commands import run_logged, which
from devcloud.console import DevcloudError, Progress
from devcloud.paths import (
    CONSTRAINTS,
    LOCAL_PACKAGES,
    REQUIREMENTS,
    Layout,
    local_packages_hash,
    package_set_hash,
    venv_dir,
)
from devcloud.rabbitmq import broker_answers

STAMP_NAME = "devcloud-stamp"


@dataclass(frozen=True)
class Python311:
    """The interpreter the virtualenv is built with."""

    executable: Path
    version: str


def _python_version(executable: str) -> str | None:
    """The full version of an interpreter if it runs and is 3.11, else None."""
    try:
        result = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    version = result.stdout.strip()
    return version if result.returncode == 0 and version.startswith("3.11.") else None


def _pyenv_candidates() -> list[str]:
    """python3.11 executables of pyenv, newest first."""
    roots = [os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv")]
    found: list[str] = []
    for root in filter(None, roots):
        found += sorted(
            (str(p) for p in Path(root).glob("versions/3.11*/bin/python3.11")), reverse=True
        )
    return found


def find_python311() -> Python311:
    """Python 3.11 for the services: python3.11 on PATH, pyenv's, or /usr/bin/python3."""
    candidates = [shutil.which("python3.11"), *_pyenv_candidates(), "/usr/bin/python3"]
    for candidate in filter(None, candidates):
        version = _python_version(candidate)
        if version:
            return Python311(executable=Path(candidate), version=version)
    raise DevcloudError(
        "No Python 3.11 found (the OpenStack services and devcloud's constraints need 3.11): "
        "looked for python3.11 on PATH, in pyenv's versions and at /usr/bin/python3. "
        "Install it (Debian 12: `apt-get install python3 python3-venv python3-dev`, "
        "or `pyenv install 3.11`) and run the command again."
    )


def _apt_packages_missing(python: Python311) -> list[str]:
    """The apt packages devcloud needs that are not installed, judged by their commands."""
    missing = []
    if not which("mariadbd") or not which("mariadb-dump"):
        missing.append("mariadb-server")
    if not broker_answers() and not which("rabbitmq-server"):
        missing.append("rabbitmq-server")
    if not which("gcc"):
        missing.append("build-essential")
    return missing + _debian_python_packages(python)


def _debian_python_packages(python: Python311) -> list[str]:
    """Debian splits venv support and the C headers (needed to build uWSGI) out of python3."""
    if not str(python.executable).startswith("/usr/bin/"):
        return []
    probe = "import ensurepip, sysconfig; print(sysconfig.get_paths()['include'])"
    result = subprocess.run(
        [str(python.executable), "-c", probe], capture_output=True, text=True, check=False
    )
    missing = [] if result.returncode == 0 else ["python3-venv"]
    include = result.stdout.strip()
    if not include or not (Path(include) / "Python.h").exists():
        missing.append("python3-dev")
    return missing


def ensure_apt_packages(layout: Layout, progress: Progress, python: Python311) -> None:
    """Install missing system packages with apt-get (apt-get update first)."""
    packages = _apt_packages_missing(python)
    if not packages:
        return
    if not which("apt-get"):
        raise DevcloudError(
            f"These packages are needed but apt-get is not available: {' '.join(packages)}. "
            "Install them with your system's package manager."
        )
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log = layout.log("apt")
    with progress.step(f"apt-get install {' '.join(packages)} (log: {log})"):
        run_logged([*sudo, "apt-get", "update"], log=log, what="apt-get update", env=env)
        install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
        run_logged([*sudo, *install], log=log, what="apt-get install", env=env)


def _stamp(python: Python311) -> str:
    return f"{package_set_hash(python.version)} {local_packages_hash()}\n"


def venv_is_current(venv: Path, python: Python311) -> bool:
    """True if the virtualenv was fully built from the current constraints and drivers."""
    stamp = venv / STAMP_NAME
    return stamp.exists() and stamp.read_text() == _stamp(python)


def _install_local_packages(venv: Path, log: Path) -> None:
    """Install the ML2 and compute drivers from copies, so no build files land in the checkout."""
    pip = [str(venv / "bin" / "pip"), "install", "--no-deps", "--no-build-isolation"]
    for package in LOCAL_PACKAGES:
        with tempfile.TemporaryDirectory(prefix=f"devcloud-{package.name}-") as scratch:
            source = Path(scratch) / package.name
            ignore = shutil.ignore_patterns("*.egg-info", "build", "__pycache__")
            shutil.copytree(package, source, ignore=ignore)
            what = f"pip install {package.name}"
            run_logged([*pip, "--force-reinstall", str(source)], log=log, what=what)


@dataclass(frozen=True)
class Installed:
    """The virtualenv, and whether this run (re)built it: services that were already running
    then still run the code from before, the drivers' included."""

    venv: Path
    rebuilt: bool


def ensure_venv(layout: Layout, progress: Progress, python: Python311) -> Installed:
    """Create or update the virtualenv; a no-op when its stamp matches."""
    venv = venv_dir(python.version)
    if venv_is_current(venv, python):
        return Installed(venv, rebuilt=False)
    log = layout.log("install")
    with progress.step(f"build virtualenv {venv} with Python {python.version} (log: {log})"):
        (venv / STAMP_NAME).unlink(missing_ok=True)
        if not (venv / "bin" / "python").exists():
            venv_cmd = [str(python.executable), "-m", "venv", str(venv)]
            run_logged(venv_cmd, log=log, what="python -m venv")
        pip = [str(venv / "bin" / "pip"), "install", "--quiet"]
        run_logged([*pip, "-U", "pip", "setuptools", "wheel"], log=log, what="pip upgrade")
        requirements = ["-c", str(CONSTRAINTS), "-r", str(REQUIREMENTS)]
        run_logged([*pip, *requirements], log=log, what="pip install")
        _install_local_packages(venv, log)
        (venv / STAMP_NAME).write_text(_stamp(python))
    return Installed(venv, rebuilt=True)


def install(layout: Layout, progress: Progress) -> Installed:
    """Make sure apt packages and the virtualenv are there."""
    python = find_python311()
    ensure_apt_packages(layout, progress, python)
    return ensure_venv(layout, progress, python)
