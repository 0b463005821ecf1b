"""What runs and answers: the data behind `status` and `up`'s "already healthy" check."""

import json
from dataclasses import asdict, dataclass

from devcloud import rabbitmq, runtime
from devcloud.console import DevcloudError
from devcloud.mariadb import PORT as MARIADB_PORT
from devcloud.mariadb import MariaDB
from devcloud.paths import Layout
from devcloud.ports import command_line, listening_pid, port_open
from devcloud.processes import PidFile
from devcloud.services import PORTS, http_answers, reporting_service, service_names

# nova marks a service down when it has not reported for service_down_time (default 60 s).
REPORT_MAX_AGE = 60


@dataclass(frozen=True)
class Health:
    """The state of one process devcloud depends on."""

    name: str
    healthy: bool
    pid: int | None
    port: int | None
    detail: str


def _nova_report_ages(layout: Layout) -> dict[str, int]:
    """Seconds since each nova worker (each compute host's its own) last reported, read from
    the private MariaDB."""
    try:
        password = json.loads(layout.credentials.read_text())["database"]
        rows = MariaDB(layout, password).query(
            "SELECT `binary`, host, TIMESTAMPDIFF(SECOND, updated_at, UTC_TIMESTAMP()) "
            "FROM nova_cell1.services WHERE deleted = 0 AND updated_at IS NOT NULL"
        )
    except (OSError, KeyError, ValueError, DevcloudError):
        return {}
    return {reporting_service(binary, host): int(age) for binary, host, age in rows}


def _service_health(layout: Layout, name: str, report_ages: dict[str, int]) -> Health:
    pid = runtime.service_pid(layout, name)
    port = PORTS.get(name)
    if pid is None:
        holder = listening_pid(port) if port is not None else None
        held = f"; port {port} is held by pid {holder} ({command_line(holder)})" if holder else ""
        return Health(name, False, None, port, f"not running{held}")
    if port is not None:
        if not runtime.owns_port(layout, name, port):
            return Health(name, False, pid, port, f"running, but not listening on {port}")
        if not http_answers(port):
            return Health(name, False, pid, port, f"running, but port {port} does not answer")
        return Health(name, True, pid, port, f"answers on 127.0.0.1:{port}")
    age = report_ages.get(name)
    if age is None or age > REPORT_MAX_AGE:
        last = "never" if age is None else f"{age} s ago"
        return Health(name, False, pid, None, f"running, but last reported {last}")
    return Health(name, True, pid, None, f"reported {age} s ago")


def _mariadb_health(layout: Layout) -> Health:
    pid = PidFile(layout.run, "mariadb").alive_pid()
    if pid is None:
        return Health("mariadb", False, None, MARIADB_PORT, "not running")
    answering = port_open(MARIADB_PORT)
    detail = f"private instance on 127.0.0.1:{MARIADB_PORT}" if answering else "not answering"
    return Health("mariadb", answering, pid, MARIADB_PORT, detail)


def _rabbitmq_health(layout: Layout) -> Health:
    ours = rabbitmq.rabbitmq_started_by_devcloud(layout)
    if rabbitmq.broker_answers():
        owner = "started by devcloud" if ours else "shared (not started by devcloud)"
        vhost = rabbitmq.NOTIFICATIONS_VHOST
        notifications = "ready" if rabbitmq.notifications_vhost_ready() else "missing (run `up`)"
        detail = f"{owner}, guest login works; notifications vhost {vhost} {notifications}"
        return Health("rabbitmq", True, None, rabbitmq.PORT, detail)
    return Health("rabbitmq", False, None, rabbitmq.PORT, "no guest login on 127.0.0.1:5672")


def collect(layout: Layout) -> list[Health]:
    """The health of RabbitMQ, MariaDB and every service."""
    ages = _nova_report_ages(layout)
    return [
        _rabbitmq_health(layout),
        _mariadb_health(layout),
        *(_service_health(layout, name, ages) for name in service_names(layout)),
    ]


def all_healthy(report: list[Health]) -> bool:
    """True if every entry is healthy."""
    return all(entry.healthy for entry in report)


def as_json(layout: Layout, report: list[Health]) -> str:
    """The report as JSON for scripts."""
    document = {
        "healthy": all_healthy(report),
        "home": str(layout.home),
        "env_file": str(layout.dashboard_env),
        "services": [asdict(entry) for entry in report],
    }
    return json.dumps(document, indent=2)


def as_table(report: list[Health]) -> str:
    """The report as an aligned table for people."""
    lines = [f"{'service':<16}{'state':<11}{'pid':<9}detail"]
    for entry in report:
        state = "healthy" if entry.healthy else "UNHEALTHY"
        pid = str(entry.pid) if entry.pid else "-"
        lines.append(f"{entry.name:<16}{state:<11}{pid:<9}{entry.detail}")
    return "\n".join(lines)
