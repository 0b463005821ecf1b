"""The commands that change the cloud: up, reset, down; and the state directory's lock."""

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devcloud import health, runtime, snapshot
from devcloud.bootstrap import bootstrap
from devcloud.config import make_data_dirs, write_service_configs, write_user_files
from devcloud.console import DevcloudError, Progress
from devcloud.credentials import load_or_create
from devcloud.install import install
from devcloud.mariadb import MariaDB
from devcloud.paths import Layout
from devcloud.rabbitmq import ensure_rabbitmq, stop_rabbitmq_if_ours
from devcloud.services import Service, all_services


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


def _prepare(layout: Layout, progress: Progress) -> tuple[Path, MariaDB, dict[str, str]]:
    """Install, start RabbitMQ and MariaDB, write the configs: everything before the services."""
    runtime.refuse_foreign_ports(layout)
    venv = install(layout, progress)
    credentials = load_credentials(layout)
    ensure_rabbitmq(layout, progress)
    db = MariaDB(layout, credentials["database"])
    db.ensure_running(progress)
    make_data_dirs(layout)
    write_service_configs(layout, venv, credentials)
    return venv, db, credentials


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


def _finish(layout: Layout, progress: Progress, credentials: dict[str, str]) -> None:
    write_user_files(layout, credentials)
    progress.say(f"devcloud is up. Dashboard env file: {layout.dashboard_env}")
    progress.say("keystone: http://127.0.0.1:5000/v3 (users admin, demo, other, dashboard)")


def up(layout: Layout, progress: Progress, *, fresh: bool = False) -> None:
    """Bootstrap on first use, otherwise start warm; `fresh` restores the snapshot first."""
    if not fresh and snapshot.exists(layout) and health.all_healthy(health.collect(layout)):
        print(f"devcloud is already up and healthy. Env file: {layout.dashboard_env}")
        return
    venv, db, credentials = _prepare(layout, progress)
    services = all_services(layout, venv)
    if not snapshot.exists(layout):
        progress.say("first run: bootstrapping the cloud (about a minute)")
        bootstrap(layout, progress, venv, db, services, credentials)
    else:
        if fresh or not db.has_databases():
            _restore(layout, progress, db)
        _warm_start(layout, progress, db, services)
    _finish(layout, progress, credentials)


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
