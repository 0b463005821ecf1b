"""The private MariaDB on 127.0.0.1:3307 with its datadir under the state directory."""

import getpass
import shutil
import subprocess
import time
from pathlib import Path

from devcloud.commands import require, run_capture, run_logged
from devcloud.console import DevcloudError, Progress, log_tail_detail
from devcloud.paths import Layout
from devcloud.ports import foreign_listeners_message, listening_pid, port_open, session_id
from devcloud.processes import PidFile, start_detached, stop_group
from devcloud.templating import render

PORT = 3307
DATABASES = ("keystone", "glance", "placement", "nova_api", "nova_cell0", "nova_cell1", "neutron")


class MariaDB:
    """A mariadbd that belongs to this state directory alone."""

    def __init__(self, layout: Layout, password: str) -> None:
        self.layout = layout
        self.password = password
        self.cnf = layout.etc / "my.cnf"
        self.pid_file = PidFile(layout.run, "mariadb")
        self.log = layout.log("mariadb")

    def url(self, database: str) -> str:
        """SQLAlchemy URL of one database, as the services use it."""
        return f"mysql+pymysql://root:{self.password}@127.0.0.1:{PORT}/{database}?charset=utf8"

    def write_config(self) -> None:
        """Write my.cnf (server and client sections) from the template."""
        render(
            "my.cnf",
            self.cnf,
            datadir=self.layout.mysql,
            socket=self.layout.run / "mariadb.sock",
            pid_file=self.layout.run / "mariadbd.pid",
            log_file=self.log,
            port=PORT,
            user=getpass.getuser(),
            password=self.password,
        )
        self.cnf.chmod(0o600)

    def running_pid(self) -> int | None:
        """The pid of our mariadbd if it runs."""
        return self.pid_file.alive_pid()

    def answering(self) -> bool:
        """True if our mariadbd runs and its port accepts connections."""
        return self.running_pid() is not None and port_open(PORT)

    def ensure_running(self, progress: Progress) -> None:
        """Initialise the datadir if needed, start mariadbd if needed and wait for it."""
        if self.answering():
            return
        self._refuse_foreign_listener()
        self.write_config()
        with progress.step(f"start private MariaDB on 127.0.0.1:{PORT}"):
            fresh = not self._initialised_marker().exists()
            if fresh:
                self._install_db()
            self._start()
            if fresh:
                self._set_root_password()
                self._initialised_marker().touch()

    def _initialised_marker(self) -> Path:
        """Written once the datadir has its root password; without it the datadir is redone."""
        return self.layout.mysql / "devcloud-initialised"

    def _refuse_foreign_listener(self) -> None:
        owner = listening_pid(PORT)
        if port_open(PORT) and (owner is None or session_id(owner) != self.running_pid()):
            message = foreign_listeners_message([(PORT, owner)])
            raise DevcloudError(f"Cannot start MariaDB: {message}.")

    def _install_db(self) -> None:
        shutil.rmtree(self.layout.mysql, ignore_errors=True)
        self.layout.mysql.mkdir(parents=True)
        install_db = require("mariadb-install-db", "mariadb-server")
        argv = [
            install_db,
            f"--defaults-file={self.cnf}",
            "--auth-root-authentication-method=normal",
        ]
        run_logged(argv, log=self.log, what="mariadb-install-db")

    def _start(self) -> None:
        mariadbd = require("mariadbd", "mariadb-server")
        self.layout.run.mkdir(parents=True, exist_ok=True)
        pid = start_detached(
            [mariadbd, f"--defaults-file={self.cnf}"],
            env={"DEVCLOUD_HOME": str(self.layout.home)},
            log=self.log,
            cwd=self.layout.home,
        )
        self.pid_file.write(pid)
        deadline = time.monotonic() + 60
        while not port_open(PORT):
            if self.pid_file.alive_pid() is None or time.monotonic() > deadline:
                raise DevcloudError(
                    f"The private MariaDB did not start on port {PORT}.",
                    detail=log_tail_detail("mariadb", self.log),
                )
            time.sleep(0.1)

    def _set_root_password(self) -> None:
        """A fresh datadir has a root@localhost without password; give it one, also over TCP."""
        sql = (
            f"ALTER USER root@localhost IDENTIFIED BY '{self.password}'; "
            f"CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '{self.password}'; "
            f"ALTER USER root@'127.0.0.1' IDENTIFIED BY '{self.password}'; "
            "GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;"
        )
        socket = self.layout.run / "mariadb.sock"
        client = require("mariadb", "mariadb-client")
        argv = [client, "--no-defaults", f"--socket={socket}", "--user=root", "-e", sql]
        run_capture(argv, what="setting the MariaDB root password")

    def stop(self) -> None:
        """Stop our mariadbd (a clean shutdown takes about a second)."""
        pid = self.running_pid()
        if pid is not None:
            stop_group(pid, timeout=60)
        self.pid_file.remove()

    def query(self, sql: str) -> list[list[str]]:
        """Run SQL as root and return the rows as lists of strings."""
        client = require("mariadb", "mariadb-client")
        argv = [client, f"--defaults-file={self.cnf}", "--batch", "--skip-column-names", "-e", sql]
        output = run_capture(argv, what="a MariaDB query")
        return [line.split("\t") for line in output.splitlines()]

    def create_databases(self) -> None:
        """Create the seven databases (dropped first, so a half-done bootstrap starts over)."""
        statements = [f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db};" for db in DATABASES]
        self.query(" ".join(statements))

    def has_databases(self) -> bool:
        """True if the keystone database exists (the databases were created or restored)."""
        return bool(self.query("SHOW DATABASES LIKE 'keystone'"))

    def dump(self, target: Path) -> None:
        """Dump the seven databases in one consistent transaction to `target`."""
        dump = require("mariadb-dump", "mariadb-client")
        argv = [
            dump,
            f"--defaults-file={self.cnf}",
            "--add-drop-database",
            "--single-transaction",
            "--databases",
            *DATABASES,
        ]
        with target.open("wb") as output:
            result = subprocess.run(argv, stdout=output, stderr=subprocess.PIPE, check=False)
        if result.returncode != 0:
            raise DevcloudError(
                "mariadb-dump failed.", detail=result.stderr.decode(errors="replace")[-3000:]
            )

    def restore(self, source: Path) -> None:
        """Load a dump made by `dump` (it drops and recreates the databases)."""
        client = require("mariadb", "mariadb-client")
        argv = [client, f"--defaults-file={self.cnf}"]
        run_logged(
            argv, log=self.layout.log("restore"), what="restoring the databases", stdin=source
        )
