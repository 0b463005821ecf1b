"""The OpenStack processes devcloud runs: how to start each, and how to tell it is healthy."""

import http.client
import os
from dataclasses import dataclass, field
from pathlib import Path

from devcloud.paths import Layout

API_THREADS = 4
# Other services keep keep-alive connections to keystone for token checks; with 4 threads new
# connections queued for over a second (devcloud notes, section 12b).
KEYSTONE_THREADS = 16
PORTS = {
    "keystone": 5000,
    "placement": 8778,
    "glance": 9292,
    "nova-api": 8774,
    "neutron-api": 9696,
    "nova-novncproxy": 6080,
}


@dataclass(frozen=True)
class Service:
    """One process (uWSGI master or console script) with its log file and optional HTTP port."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int | None = None


def _uwsgi(venv: Path, name: str, module: str, threads: int = API_THREADS) -> list[str]:
    """uWSGI serving one WSGI app on 127.0.0.1 with HTTP/1.1 keep-alive."""
    return [
        str(venv / "bin" / "uwsgi"),
        "--master",
        "--die-on-term",
        # --http-socket closes every connection silently; clients then hit resets on reuse.
        "--http11-socket",
        f"127.0.0.1:{PORTS[name]}",
        "--module",
        f"{module}:application",
        "--home",
        str(venv),
        "--processes",
        "1",
        "--threads",
        str(threads),
        "--enable-threads",
        "--lazy-apps",
        "--thunder-lock",
        "--buffer-size",
        "65535",
        # Exit if the app fails to import, instead of serving 500s that pass a port check.
        "--need-app",
        "--procname-prefix-spaced",
        f"devcloud-{name}",
    ]


def base_env(layout: Layout, venv: Path) -> dict[str, str]:
    """The environment of every devcloud process: venv first on PATH, DEVCLOUD_HOME marked."""
    return {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(layout.home)),
        "LANG": "C.UTF-8",
        "DEVCLOUD_HOME": str(layout.home),
        "OS_NOVA_DISABLE_EVENTLET_PATCHING": "true",
    }


def _nova_console(venv: Path, layout: Layout, binary: str, name: str = "") -> list[str]:
    nova_conf = layout.etc / "nova" / "nova.conf"
    log = layout.log(name or binary)
    return [str(venv / "bin" / binary), "--config-file", str(nova_conf), "--log-file", str(log)]


def compute_host_count(layout: Layout) -> int:
    """How many nova-compute hosts the cloud runs (`python3 -m devcloud compute-hosts N`; 1
    unless set). Kept in the data directory, so a reset returns to the snapshot's one host."""
    try:
        return int((layout.data / COMPUTE_HOSTS_FILE).read_text())
    except (OSError, ValueError):
        return 1


def extra_compute_names(layout: Layout) -> list[str]:
    """The services of the compute hosts beyond the first: nova-compute-2, nova-compute-3, ..."""
    return [f"nova-compute-{number}" for number in range(2, compute_host_count(layout) + 1)]


def service_names(layout: Layout) -> tuple[str, ...]:
    """Every service this cloud runs, keystone first: SERVICE_NAMES and the extra compute hosts."""
    return (*SERVICE_NAMES, *extra_compute_names(layout))


def compute_host(name: str) -> str:
    """nova.conf's `host` of a compute service: devcloud-compute, devcloud-compute-2, ..."""
    return BASE_HOST + name.removeprefix("nova-compute")


def reporting_service(binary: str, host: str) -> str:
    """The devcloud service of a row of Nova's services table: its binary, and for a compute
    host beyond the first the host's number too (nova-compute-2 on devcloud-compute-2)."""
    return binary + host.removeprefix(BASE_HOST)


def extra_compute_config(layout: Layout, name: str) -> Path:
    """The config file a compute host beyond the first reads after nova.conf: its own host name
    and state directory (the fake driver's node id lives there), under its own etc/ directory."""
    return layout.etc / name / "nova-compute.conf"


def _extra_compute(layout: Layout, venv: Path, name: str, env: dict[str, str]) -> Service:
    argv = _nova_console(venv, layout, "nova-compute", name)
    return Service(name, [*argv, "--config-file", str(extra_compute_config(layout, name))], env)


def all_services(layout: Layout, venv: Path) -> list[Service]:
    """Every service, keystone first, the compute hosts beyond the first last."""
    etc = layout.etc
    env = base_env(layout, venv)
    return [
        Service(
            "keystone",
            _uwsgi(venv, "keystone", "keystone.wsgi.api", KEYSTONE_THREADS),
            env | {"OS_KEYSTONE_CONFIG_DIR": str(etc / "keystone")},
            PORTS["keystone"],
        ),
        Service(
            "placement",
            _uwsgi(venv, "placement", "placement.wsgi.api"),
            env | {"OS_PLACEMENT_CONFIG_DIR": str(etc / "placement")},
            PORTS["placement"],
        ),
        Service(
            "glance",
            _uwsgi(venv, "glance", "glance.wsgi.api"),
            env | {"OS_GLANCE_CONFIG_DIR": str(etc / "glance")},
            PORTS["glance"],
        ),
        Service(
            "nova-api",
            _uwsgi(venv, "nova-api", "nova.wsgi.osapi_compute"),
            # nova loads its paste app from the first file, so the paste ini comes first.
            env
            | {
                "OS_NOVA_CONFIG_DIR": str(etc / "nova"),
                "OS_NOVA_CONFIG_FILES": "api-paste.ini;nova.conf;nova-api.conf",
            },
            PORTS["nova-api"],
        ),
        Service(
            "neutron-api",
            _uwsgi(venv, "neutron-api", "neutron.wsgi.api"),
            env
            | {
                "OS_NEUTRON_CONFIG_DIR": str(etc / "neutron"),
                "OS_NEUTRON_CONFIG_FILES": "neutron.conf;plugins/ml2/ml2_conf.ini;neutron-api.conf",
            },
            PORTS["neutron-api"],
        ),
        Service("nova-conductor", _nova_console(venv, layout, "nova-conductor"), env),
        Service("nova-scheduler", _nova_console(venv, layout, "nova-scheduler"), env),
        Service("nova-compute", _nova_console(venv, layout, "nova-compute"), env),
        # Serves the console page and noVNC, and proxies each console's websocket to the VNC
        # server its token names (nova.conf [vnc] sets its address and port).
        Service(
            "nova-novncproxy",
            [*_nova_console(venv, layout, "nova-novncproxy"), "--web", str(layout.novnc)],
            env,
            PORTS["nova-novncproxy"],
        ),
        *(_extra_compute(layout, venv, name, env) for name in extra_compute_names(layout)),
    ]


SERVICE_NAMES = (
    "keystone",
    "placement",
    "glance",
    "nova-api",
    "neutron-api",
    "nova-conductor",
    "nova-scheduler",
    "nova-compute",
    "nova-novncproxy",
)
NOVA_WORKERS = ("nova-conductor", "nova-scheduler", "nova-compute")
# nova.conf's `host` (of every Nova service) and the file holding the number of compute hosts.
BASE_HOST = "devcloud-compute"
COMPUTE_HOSTS_FILE = "compute-hosts"
# The services that load a package installed from this checkout (the ML2 and compute drivers).
DRIVER_USERS = ("neutron-api", "nova-compute")


def http_answers(port: int, timeout: float = 3.0) -> bool:
    """True if an HTTP GET / on 127.0.0.1:port gets any response (uWSGI runs with --need-app)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True
