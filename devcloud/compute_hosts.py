"""More than one nova-compute host: `python3 -m devcloud compute-hosts N`.

For a bench that boots a thousand servers. One host's fake driver takes longer with each server it
holds (nova-compute reads every allocation of the host from Placement at each claim: 80 s a wave
of 50 at 100 servers, 271 s at 500), so the servers are spread over several hosts. Each host
beyond the first is a nova-compute process of its own (devcloud-compute-2, ...: its host name and
state directory in etc/nova-compute-N/), started and stopped with the others; the count is kept in
the data directory, so `down` and `up` keep it and a reset returns to the snapshot's one host.
"""

from pathlib import Path

from devcloud import runtime, snapshot
from devcloud.bootstrap import discover_hosts, wait_compute_nodes
from devcloud.cloud import load_credentials, up
from devcloud.commands import run_logged
from devcloud.console import DevcloudError, Progress
from devcloud.install import install
from devcloud.mariadb import MariaDB
from devcloud.paths import Layout
from devcloud.services import (
    COMPUTE_HOSTS_FILE,
    base_env,
    compute_host,
    extra_compute_names,
)

MAX_COMPUTE_HOSTS = 8


def set_compute_hosts(layout: Layout, progress: Progress, count: int) -> None:
    """Run `count` compute hosts: those beyond it are disabled in Nova (the scheduler sends them
    nothing more) and stopped; the missing ones are started, mapped into cell1 and enabled."""
    if not 1 <= count <= MAX_COMPUTE_HOSTS:
        raise DevcloudError(f"The number of compute hosts must be 1 to {MAX_COMPUTE_HOSTS}.")
    if not snapshot.exists(layout):
        raise DevcloudError("There is no cloud yet; run `python3 -m devcloud up` first.")
    db = MariaDB(layout, load_credentials(layout)["database"])
    beyond = extra_compute_names(layout)[count - 1 :]
    _refuse_hosts_with_servers(db, beyond)
    venv = install(layout, progress).venv
    count_file = layout.data / COMPUTE_HOSTS_FILE
    if count == 1:
        count_file.unlink(missing_ok=True)
    else:
        count_file.write_text(f"{count}\n")
    wanted = extra_compute_names(layout)
    if beyond:
        with progress.step(f"disable and stop {', '.join(beyond)}"):
            _compute_service(layout, venv, "--disable", beyond)
            runtime.stop_services(layout, beyond)
    up(layout, progress)
    if wanted:
        with progress.step(f"map {', '.join(map(compute_host, wanted))} into cell1"):
            wait_compute_nodes(layout, db, wanted)
            discover_hosts(layout, venv)
            _compute_service(layout, venv, "--enable", wanted)
    progress.say(f"{count} compute host{'s' if count > 1 else ''} running.")


def _refuse_hosts_with_servers(db: MariaDB, names: list[str]) -> None:
    """Refuse to stop a host that servers are on: until it runs again, Nova could neither
    delete them nor act on them."""
    if not names:
        return
    hosts = ", ".join(f"'{compute_host(name)}'" for name in names)
    rows = db.query(
        "SELECT host, COUNT(*) FROM nova_cell1.instances "
        f"WHERE deleted = 0 AND host IN ({hosts}) GROUP BY host"
    )
    if rows:
        held = ", ".join(f"{count} on {host}" for host, count in rows)
        raise DevcloudError(
            f"Servers are on the hosts this would stop ({held}): delete them first, or keep "
            "the hosts."
        )


def _compute_service(layout: Layout, venv: Path, change: str, names: list[str]) -> None:
    """`openstack compute service set` each host's nova-compute (`--enable` or `--disable`)."""
    env = base_env(layout, venv) | {"OS_CLIENT_CONFIG_FILE": str(layout.clouds_yaml)}
    for name in names:
        argv = [str(venv / "bin" / "openstack"), "--os-cloud", "devcloud-admin", "compute"]
        argv += ["service", "set", change, compute_host(name), "nova-compute"]
        run_logged(argv, log=layout.log("compute-hosts"), what=" ".join(argv[3:]), env=env)
