"""The commands that only read or use the cloud: install, logs, env, smoke, openstack."""

import os
import subprocess
import sys
from pathlib import Path

from devcloud import health
from devcloud.console import DevcloudError, Progress, tail
from devcloud.install import find_python311, install, venv_is_current
from devcloud.paths import REPO_ROOT, Layout, venv_dir
from devcloud.services import base_env, service_names


def install_only(layout: Layout, progress: Progress) -> None:
    """`install`: apt packages and the virtualenv; says where the virtualenv is."""
    progress.say(f"installed: virtualenv {install(layout, progress).venv}")


def _ready_venv() -> Path:
    """The current virtualenv, or a clear error if `up` has not built it."""
    python = find_python311()
    venv = venv_dir(python.version)
    if not venv_is_current(venv, python):
        raise DevcloudError("The devcloud virtualenv is not built; run `python3 -m devcloud up`.")
    return venv


def show_logs(layout: Layout, service: str | None, lines: int) -> int:
    """Print the end of one log, or of every service's log."""
    if service is not None:
        log = layout.log(service)
        if not log.exists():
            known = sorted(path.stem for path in layout.logs.glob("*.log"))
            raise DevcloudError(f"No log named {service!r}; known logs: {', '.join(known)}.")
        print(tail(log, lines))
        return 0
    for name in ("mariadb", *service_names(layout)):
        print(f"==> {layout.log(name)} <==")
        print(tail(layout.log(name), lines), end="\n\n")
    return 0


def show_env_path(layout: Layout) -> int:
    """Print the dashboard env file's path; exit 1 (with a hint) if it is not written yet."""
    print(layout.dashboard_env)
    if not layout.dashboard_env.exists():
        print("(not written yet: run `python3 -m devcloud up`)", file=sys.stderr)
        return 1
    return 0


def run_smoke(layout: Layout) -> int:
    """Run smoke.py in the virtualenv against a healthy cloud."""
    if not health.all_healthy(health.collect(layout)):
        raise DevcloudError("devcloud is not up and healthy; run `python3 -m devcloud up` first.")
    venv = _ready_venv()
    argv = [str(venv / "bin" / "python"), "-m", "devcloud.smoke", str(layout.credentials)]
    env = base_env(layout, venv) | {"PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(argv, env=env, check=False).returncode


def run_openstack(layout: Layout, args: list[str]) -> int:
    """Replace this process with the openstack CLI, pointed at devcloud's clouds.yaml."""
    venv = _ready_venv()
    env = os.environ | {"OS_CLIENT_CONFIG_FILE": str(layout.clouds_yaml)}
    openstack = str(venv / "bin" / "openstack")
    os.execve(openstack, [openstack, *args], env)
