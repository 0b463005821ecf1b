"""The commands that change the cloud: up, reset, down; and the state directory's lock."""

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devcloud import health, runtime, snapshot
from devcloud.bootstrap import SEED_STAMP, SEED_VERSION, bootstrap, run_seed
from devcloud.config import make_data_dirs, write_service_configs, write_user_files
from devcloud.console import DevcloudError, Progress
from devcloud.credentials import load_or_create
from devcloud.install import Installed, install
from devcloud.mariadb import MariaDB
from devcloud.paths import Layout
from devcloud.rabbitmq import (
    ensure_notifications_vhost,
    ensure_rabbitmq,
    notifications_vhost_ready,
    stop_rabbitmq_if_ours,
)
from devcloud.services import (
    DRIVER_USERS,
    Service,
    all_services,
    service_names,
)


@contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """Serialise commands that change this state directory."""
    layout.run.mkdir(parents=True, exist_ok=True)
    layout.home.chmod(0o700)
    with (layout.run / "lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("Another devcloud command is running on this state directory; waiting for it.")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def load_credentials(layout: Layout) -> dict[str, str]:
    """The credentials; taken from the snapshot if the file was lost, new ones otherwise."""
    if not layout.credentials.exists():
        if snapshot.exists(layout):
            snapshot.restore_credentials(layout)
        else:
            # A MariaDB datadir without its root password is useless: start it over.
            shutil.rmtree(layout.mysql, ignore_errors=True)
    return load_or_create(layout.credentials)


@dataclass(frozen=True)
class Prepared:
    """What `_prepare` set up for the services to start."""

    venv: Path
    db: MariaDB
    credentials: dict[str, str]
    # Nova, Neutron and Glance send notifications (their vhost is ready).
    notifications: bool
    # The services whose config files or drivers changed.
    changed: list[str]


def _prepare(layout: Layout, progress: Progress) -> Prepared:
    """Install, start RabbitMQ and MariaDB, write the configs: everything before the services."""
    runtime.refuse_foreign_ports(layout)
    installed = install(layout, progress)
    venv = installed.venv
    credentials = load_credentials(layout)
    ensure_rabbitmq(layout, progress)
    notifications = ensure_notifications_vhost(progress)
    db = MariaDB(layout, credentials["database"])
    db.ensure_running(progress)
    make_data_dirs(layout)
    changed = _write_configs(layout, installed, credentials, notifications=notifications)
    return Prepared(venv, db, credentials, notifications, changed)


def _config_files(layout: Layout) -> dict[Path, bytes]:
    """Every config file under etc/, with its content."""
    if not layout.etc.exists():
        return {}
    return {path: path.read_bytes() for path in layout.etc.rglob("*") if path.is_file()}


def _write_configs(
    layout: Layout, installed: Installed, credentials: dict[str, str], *, notifications: bool
) -> list[str]:
    """Write the configs from the templates; return the services that must restart to take
    the change: those whose config directory (etc/nova/ for every nova-*, and a compute host's
    own beyond the first) holds a file that changed, and, when the virtualenv was rebuilt, those
    that load the drivers."""
    before = _config_files(layout)
    write_service_configs(layout, installed.venv, credentials, notifications=notifications)
    after = _config_files(layout)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    directories = {path.relative_to(layout.etc).parts[0] for path in changed}
    drivers = DRIVER_USERS if installed.rebuilt else ()
    return [
        name
        for name in service_names(layout)
        if name.split("-")[0] in directories or name in directories or name.startswith(drivers)
    ]


def _stop_changed(layout: Layout, progress: Progress, names: list[str]) -> None:
    """Stop the running services among `names`, so that they start again with their new config."""
    running = [name for name in names if runtime.service_pid(layout, name) is not None]
    if running:
        with progress.step(f"stop {', '.join(running)}: their config or driver changed"):
            runtime.stop_services(layout, running)


def _apply_config(layout: Layout, progress: Progress) -> list[str]:
    """On a running cloud: rewrite the configs and the env file from the templates, and restart
    the services whose config or driver changed, so that a template change (notifications, for
    one) or a driver change applies without a reset. Returns the services restarted."""
    installed = install(layout, progress)
    credentials = load_credentials(layout)
    notifications = notifications_vhost_ready() or ensure_notifications_vhost(progress)
    names = _write_configs(layout, installed, credentials, notifications=notifications)
    if names:
        services = [s for s in all_services(layout, installed.venv) if s.name in names]
        _stop_changed(layout, progress, names)
        _warm_start(layout, progress, MariaDB(layout, credentials["database"]), services)
        runtime.warm_policies(credentials)
    write_user_files(layout, credentials, notifications=notifications)
    return names


def _warm_start(layout: Layout, progress: Progress, db: MariaDB, services: list[Service]) -> None:
    with progress.step("start the services"):
        since = runtime.database_now(db)
        started = runtime.start(layout, services)
        runtime.wait_answering(layout, progress, services)
        started_names = {service.name for service in started}
        runtime.wait_nova_reports(layout, progress, db, since, started_names)


def _restore(layout: Layout, progress: Progress, db: MariaDB) -> None:
    with progress.step("stop the services"):
        runtime.stop_all(layout, graceful=False)
    with progress.step("restore the snapshot"):
        snapshot.restore(layout, db)


def _finish(
    layout: Layout, progress: Progress, credentials: dict[str, str], *, notifications: bool
) -> None:
    write_user_files(layout, credentials, notifications=notifications)
    with progress.step("ask Neutron and Nova once, so that they load their policies"):
        runtime.warm_policies(credentials)
    progress.say(f"devcloud is up. Dashboard env file: {layout.dashboard_env}")
    progress.say("keystone: http://127.0.0.1:5000/v3 (users admin, demo, other, dashboard, trials)")


def _seed_current(layout: Layout) -> bool:
    """Whether the cloud holds everything this version of `seed_identity` seeds. The stamp lives
    in the data directory, so a restored snapshot brings back its own."""
    stamp = layout.data / SEED_STAMP
    return stamp.exists() and stamp.read_text().strip() == SEED_VERSION


def _seed_again(layout: Layout, progress: Progress, venv: Path) -> None:
    """Seed the identity of a cloud bootstrapped by an older version (idempotent)."""
    with progress.step("register the users this version adds"):
        run_seed(layout, venv, "identity")
    (layout.data / SEED_STAMP).write_text(SEED_VERSION + "\n")


def up(layout: Layout, progress: Progress, *, fresh: bool = False) -> None:
    """Bootstrap on first use, otherwise start warm; `fresh` restores the snapshot first."""
    if (
        not fresh
        and snapshot.exists(layout)
        and _seed_current(layout)
        and health.all_healthy(health.collect(layout))
    ):
        restarted = _apply_config(layout, progress)
        state = (
            f"up; restarted {', '.join(restarted)} with their new config or driver"
            if restarted
            else "already up and healthy"
        )
        print(f"devcloud is {state}. Env file: {layout.dashboard_env}")
        return
    prepared = _prepare(layout, progress)
    if not snapshot.exists(layout):
        progress.say("first run: bootstrapping the cloud (about a minute)")
        services = all_services(layout, prepared.venv)
        bootstrap(layout, progress, prepared.venv, prepared.db, services, prepared.credentials)
    else:
        if fresh or not prepared.db.has_databases():
            _restore(layout, progress, prepared.db)
        else:
            # Services still running from before (a partly started cloud) take a template
            # change too, as on a healthy cloud.
            _stop_changed(layout, progress, prepared.changed)
        # After a restore: the snapshot's data directory says how many compute hosts run.
        services = all_services(layout, prepared.venv)
        _warm_start(layout, progress, prepared.db, services)
        if not _seed_current(layout):
            _seed_again(layout, progress, prepared.venv)
    _finish(layout, progress, prepared.credentials, notifications=prepared.notifications)


def reset(layout: Layout, progress: Progress) -> None:
    """Return to the seeded state from the snapshot, then start."""
    if not snapshot.exists(layout):
        raise DevcloudError(
            f"There is no snapshot in {layout.snapshot} yet; run `python3 -m devcloud up` first."
        )
    up(layout, progress, fresh=True)


def down(layout: Layout, progress: Progress) -> None:
    """Stop every process devcloud started; shared MariaDB/RabbitMQ servers are left alone."""
    with progress.step("stop the services"):
        stopped = runtime.stop_all(layout)
        progress.say(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")
    db = MariaDB(layout, password="")
    if db.running_pid() is not None:
        with progress.step("stop the private MariaDB"):
            db.stop()
    stop_rabbitmq_if_ours(layout, progress)
    progress.say("devcloud is down.")
