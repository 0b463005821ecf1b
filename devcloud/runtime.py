"""Start, stop and wait for the OpenStack processes."""

import json
import time
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from devcloud.console import DevcloudError, Progress, log_tail_detail
from devcloud.mariadb import PORT as MARIADB_PORT
from devcloud.mariadb import MariaDB
from devcloud.paths import Layout
from devcloud.ports import foreign_listeners_message, listening_pid, port_open, session_id
from devcloud.processes import PidFile, start_detached, stop_group
from devcloud.services import (
    NOVA_WORKERS,
    PORTS,
    SERVICE_NAMES,
    Service,
    http_answers,
    reporting_service,
    service_names,
)

API_TIMEOUT = 180.0
REPORT_TIMEOUT = 120.0
# uWSGI takes about 3 s to honour SIGTERM and nova-compute about 9 s; nothing they could still
# write matters in a test cloud, so what remains after this is killed.
STOP_TIMEOUT = 3.0


def service_pid(layout: Layout, name: str) -> int | None:
    """The pid of a running devcloud service, if it runs."""
    return PidFile(layout.run, name).alive_pid()


def owns_port(layout: Layout, name: str, port: int) -> bool:
    """True if the process listening on `port` belongs to our service `name`."""
    owner = listening_pid(port)
    pid = service_pid(layout, name)
    return owner is not None and pid is not None and session_id(owner) == pid


def refuse_foreign_ports(layout: Layout) -> None:
    """Fail before starting anything if another process holds one of devcloud's ports."""
    foreign = [
        (port, listening_pid(port))
        for name, port in PORTS.items()
        if port_open(port) and not owns_port(layout, name, port)
    ]
    mariadb_pid = PidFile(layout.run, "mariadb").alive_pid()
    owner = listening_pid(MARIADB_PORT)
    if port_open(MARIADB_PORT) and (owner is None or session_id(owner) != mariadb_pid):
        foreign.append((MARIADB_PORT, owner))
    if foreign:
        raise DevcloudError(f"Cannot start devcloud: {foreign_listeners_message(foreign)}.")


def start(layout: Layout, services: list[Service]) -> list[Service]:
    """Start the services that are not running; return those started."""
    started = []
    for service in services:
        if service_pid(layout, service.name) is not None:
            continue
        pid = start_detached(
            service.argv, env=service.env, log=layout.log(service.name), cwd=layout.home
        )
        PidFile(layout.run, service.name).write(pid)
        started.append(service)
    return started


def stop_all(layout: Layout, *, graceful: bool = True) -> list[str]:
    """Stop every running devcloud service, in parallel; return the names stopped.

    Not graceful (SIGKILL at once) is for a reset, which throws the state away anyway.
    """
    # A compute host beyond the count (`compute-hosts` lowered it) still runs until stopped.
    extra_hosts = (path.stem for path in layout.run.glob("nova-compute-*.pid"))
    return stop_services(layout, [*service_names(layout), *extra_hosts], graceful=graceful)


def stop_services(layout: Layout, names: Iterable[str], *, graceful: bool = True) -> list[str]:
    """Stop these devcloud services (those running), in parallel; return the names stopped."""
    timeout = STOP_TIMEOUT if graceful else 0.0
    wanted = set(names)
    # In reverse order of starting: the compute hosts beyond the first come first.
    order = {name: index for index, name in enumerate(SERVICE_NAMES)}
    in_order = sorted(wanted, key=lambda name: order.get(name, len(order)), reverse=True)
    running = [(name, service_pid(layout, name)) for name in in_order]
    running_pids = [(name, pid) for name, pid in running if pid is not None]
    if running_pids:
        with ThreadPoolExecutor(max_workers=len(running_pids)) as pool:
            list(pool.map(lambda item: stop_group(item[1], timeout=timeout), running_pids))
    for name in wanted:
        PidFile(layout.run, name).remove()
    return [name for name, _ in running_pids]


def _failure(layout: Layout, names: list[str], reason: str) -> DevcloudError:
    details = "\n\n".join(log_tail_detail(name, layout.log(name)) for name in names)
    logs = ", ".join(str(layout.log(name)) for name in names)
    return DevcloudError(f"{', '.join(names)} {reason}; see above and {logs}.", detail=details)


def wait_answering(layout: Layout, progress: Progress, services: list[Service]) -> None:
    """Wait until each API answers HTTP; fail naming a service that exits or stays silent."""
    waiting = {service.name: service.port for service in services if service.port}
    deadline = time.monotonic() + API_TIMEOUT
    while waiting:
        for name, port in list(waiting.items()):
            if service_pid(layout, name) is None:
                raise _failure(layout, [name], "exited while starting")
            if port is not None and http_answers(port, timeout=2):
                progress.say(f"{name} answers on 127.0.0.1:{port}")
                del waiting[name]
        if waiting and time.monotonic() > deadline:
            raise _failure(layout, sorted(waiting), f"did not answer within {API_TIMEOUT:.0f} s")
        time.sleep(0.25)


def warm_policies(credentials: dict[str, str]) -> None:
    """Ask Neutron and Nova one authorised question each, before anyone else can.

    Each builds its policy enforcer on the first request that needs one, and Neutron publishes
    it before registering its rules (`neutron.policy.init`): requests arriving together at a
    freshly started Neutron were judged by an enforcer with no rules, and refused
    ("rule:update_quota is disallowed by policy", bench/scale.py's first parallel calls).
    """
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "admin",
                        "domain": {"id": "default"},
                        "password": credentials["admin"],
                    }
                },
            },
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
        }
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORTS['keystone']}/v3/auth/tokens",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=API_TIMEOUT) as response:
        token = response.headers["X-Subject-Token"]
    for url in (
        f"http://127.0.0.1:{PORTS['neutron-api']}/v2.0/networks?limit=1",
        f"http://127.0.0.1:{PORTS['nova-api']}/v2.1/servers?limit=1",
    ):
        asked = urllib.request.Request(url, headers={"X-Auth-Token": token})
        with urllib.request.urlopen(asked, timeout=API_TIMEOUT) as response:
            response.read()


def database_now(db: MariaDB) -> str:
    """MariaDB's UTC clock, the time base of nova's service reports."""
    return db.query("SELECT UTC_TIMESTAMP()")[0][0]


def _reported_since(db: MariaDB, since: str) -> set[str]:
    """The devcloud services that reported to Nova's database since `since`."""
    rows = db.query(
        "SELECT `binary`, host FROM nova_cell1.services "
        f"WHERE deleted = 0 AND updated_at >= '{since}'"
    )
    return {reporting_service(binary, host) for binary, host in rows}


def wait_nova_reports(
    layout: Layout, progress: Progress, db: MariaDB, since: str, names: set[str]
) -> None:
    """Wait until these nova workers have each reported (compute via conductor) since `since`;
    every compute host counts."""
    waiting = {name for name in names if name.startswith(NOVA_WORKERS)}
    deadline = time.monotonic() + REPORT_TIMEOUT
    while waiting:
        dead = sorted(name for name in waiting if service_pid(layout, name) is None)
        if dead:
            raise _failure(layout, dead, "exited while starting")
        for name in sorted(waiting & _reported_since(db, since)):
            progress.say(f"{name} reports to the database")
            waiting.discard(name)
        if waiting and time.monotonic() > deadline:
            raise _failure(layout, sorted(waiting), f"did not report within {REPORT_TIMEOUT:.0f} s")
        time.sleep(0.5)
