"""bin/lib.sh, the helpers behind bin/setup, bin/run and bin/test, run in bash.

Each test runs a helper in a bash whose PATH holds only a few system tools plus the fakes the test
makes, so what the machine happens to have installed does not change the outcome.
"""

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "bin" / "lib.sh"
TOOLS = ("bash", "cat", "dirname", "basename", "sort", "timeout", "grep", "tail")


@pytest.fixture
def tools(tmp_path: Path) -> Path:
    """A folder with only the system tools lib.sh needs."""
    folder = tmp_path / "tools"
    folder.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is missing from this machine"
        (folder / tool).symlink_to(found)
    return folder


def fake_python(path: Path, *, works: bool) -> Path:
    """An executable that answers lib.sh's version check: exit 0 for 3.12+, 1 for older."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\nexit {0 if works else 1}\n")
    path.chmod(0o755)
    return path


def lib(
    script: str, *, path: list[Path], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `script` in bash after sourcing bin/lib.sh, with PATH set to `path` only."""
    return subprocess.run(
        [shutil.which("bash") or "/bin/bash", "-c", f'source "{LIB}"; {script}'],
        env={"PATH": ":".join(map(str, path)), "HOME": "/nonexistent", **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_find_python_skips_old_and_broken_ones_and_takes_the_newest_pyenv_build(
    tmp_path: Path, tools: Path
) -> None:
    on_path = tmp_path / "bin"
    fake_python(on_path / "python3", works=False)  # a 3.11
    fake_python(on_path / "python3.12", works=False)  # a pyenv shim with no version selected
    pyenv = tmp_path / "pyenv"
    fake_python(pyenv / "versions/3.12.1/bin/python3.12", works=True)
    newest = fake_python(pyenv / "versions/3.13.0/bin/python3.13", works=True)
    fake_python(pyenv / "versions/3.14.0/bin/python3.14", works=False)  # broken build

    result = lib("find_python", path=[on_path, tools], env={"PYENV_ROOT": str(pyenv)})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(newest)


def test_find_python_prefers_python3_13_on_path(tmp_path: Path, tools: Path) -> None:
    on_path = tmp_path / "bin"
    fake_python(on_path / "python3", works=True)
    preferred = fake_python(on_path / "python3.13", works=True)
    pyenv = tmp_path / "pyenv"
    fake_python(pyenv / "versions/3.12.1/bin/python3.12", works=True)

    result = lib("find_python", path=[on_path, tools], env={"PYENV_ROOT": str(pyenv)})

    assert result.stdout.strip() == str(preferred)


def test_without_python_3_12_set_up_stops_and_says_what_to_install(
    tmp_path: Path, tools: Path
) -> None:
    on_path = tmp_path / "bin"
    fake_python(on_path / "python3", works=False)
    empty_pyenv = tmp_path / "pyenv"
    empty_pyenv.mkdir()

    result = lib(
        f'VENV="{tmp_path}/venv"; VAR="{tmp_path}/var"; make_var_dirs() {{ :; }}; create_venv',
        path=[on_path, tools],
        env={"PYENV_ROOT": str(empty_pyenv)},
    )

    assert result.returncode == 1
    assert "no Python 3.12 or newer found" in result.stderr
    assert "apt-get install python3" in result.stderr
    assert "pyenv install 3.12" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_env_file_get_reads_the_last_assignment_without_quotes(tmp_path: Path, tools: Path) -> None:
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(
        "DEVCLOUD_DEMO_USERNAME=old\n"
        "export DEVCLOUD_DEMO_USERNAME=demo\n"
        "DEVCLOUD_DEMO_PASSWORD='s3cret=x'\n"
        'DEVCLOUD_DEMO_PROJECT="demo project"\n'
    )
    script = " ; ".join(
        f'echo "[$(env_file_get "{env_file}" {key})]"'
        for key in ("DEVCLOUD_DEMO_USERNAME", "DEVCLOUD_DEMO_PASSWORD", "DEVCLOUD_DEMO_PROJECT")
    )

    result = lib(script, path=[tools])

    assert result.stdout.splitlines() == ["[demo]", "[s3cret=x]", "[demo project]"]


def test_port_open_tells_a_listening_port_from_a_closed_one(tools: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        answered = lib(f"port_open 127.0.0.1 {port}", path=[tools])
    refused = lib(f"port_open 127.0.0.1 {port}", path=[tools])

    assert answered.returncode == 0
    assert refused.returncode != 0


@pytest.mark.parametrize(
    ("status", "pid_alive", "state"),
    [
        ('{"healthy": true, "services": [{"pid": 1}]}', False, "up"),
        ('{"healthy": false, "services": [{"pid": 1}, {"pid": null}]}', False, "partial"),
        ('{"healthy": false, "services": [{"pid": null}]}', False, "down"),
        # No status (a loaded machine can make the probe fail): the pid files decide.
        ("Traceback (most recent call last): ...", True, "partial"),
        ("Traceback (most recent call last): ...", False, "down"),
    ],
)
def test_cloud_state_takes_a_cloud_whose_status_cannot_be_read_for_running_if_its_processes_live(
    tmp_path: Path, tools: Path, status: str, pid_alive: bool, state: str
) -> None:
    """bin/test stops at the end only a cloud that was down: one taken for down by mistake
    would be stopped under whoever else uses it."""
    run = tmp_path / "devcloud" / "run"
    run.mkdir(parents=True)
    with subprocess.Popen(["sleep", "30"]) as alive:
        (run / "keystone.pid").write_text(str(alive.pid if pid_alive else 2**22 + 1))
        (tmp_path / "status.json").write_text(status)
        script = f'devcloud() {{ cat "{tmp_path / "status.json"}"; }}; cloud_state'
        result = lib(
            script,
            path=[tools],
            env={"DEVCLOUD_PYTHON": sys.executable, "DEVCLOUD_HOME": str(tmp_path / "devcloud")},
        )
        alive.kill()

    assert result.stdout.strip() == state, result.stderr
