"""First `up`: create the databases, migrate, register the catalog, seed and snapshot."""

import getpass
import grp
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devcloud import runtime, snapshot
from devcloud.commands import run_logged
from devcloud.config import make_data_dirs
from devcloud.console import DevcloudError, Progress, log_tail_detail
from devcloud.mariadb import MariaDB
from devcloud.paths import REPO_ROOT, Layout
from devcloud.services import NOVA_WORKERS, Service, base_env, reporting_service

COMPUTE_NODE_TIMEOUT = 120.0
# The version of what `seed_identity` seeds, kept in the data directory once seeded: bump it when
# the seed adds users or projects, so a cloud bootstrapped earlier is seeded again at its next up.
SEED_VERSION = "2"
SEED_STAMP = "seed-version"


def _migration_chains(
    layout: Layout, venv: Path, db: MariaDB, admin: str
) -> dict[str, list[list[str]]]:
    """The five independent migration chains, as lists of argv."""
    bin_dir = venv / "bin"
    etc = layout.etc
    keystone = [
        str(bin_dir / "keystone-manage"),
        "--config-file",
        str(etc / "keystone" / "keystone.conf"),
    ]
    owner = [
        "--keystone-user",
        getpass.getuser(),
        "--keystone-group",
        grp.getgrgid(os.getgid()).gr_name,
    ]
    endpoint = "http://127.0.0.1:5000/v3/"
    nova = [str(bin_dir / "nova-manage"), "--config-file", str(etc / "nova" / "nova.conf")]
    neutron_conf = etc / "neutron"
    return {
        "keystone": [
            [*keystone, "db_sync"],
            [*keystone, "fernet_setup", *owner],
            [*keystone, "credential_setup", *owner],
            [
                *keystone,
                "bootstrap",
                f"--bootstrap-password={admin}",
                "--bootstrap-region-id=RegionOne",
                f"--bootstrap-admin-url={endpoint}",
                f"--bootstrap-internal-url={endpoint}",
                f"--bootstrap-public-url={endpoint}",
            ],
        ],
        "placement": [
            [
                str(bin_dir / "placement-manage"),
                "--config-file",
                str(etc / "placement" / "placement.conf"),
                "db",
                "sync",
            ],
        ],
        "glance": [
            [
                str(bin_dir / "glance-manage"),
                "--config-file",
                str(etc / "glance" / "glance-api.conf"),
                "db_sync",
            ],
        ],
        "neutron": [
            [
                str(bin_dir / "neutron-db-manage"),
                "--config-file",
                str(neutron_conf / "neutron.conf"),
                "--config-file",
                str(neutron_conf / "plugins" / "ml2" / "ml2_conf.ini"),
                "upgrade",
                "heads",
            ],
        ],
        "nova": [
            [*nova, "api_db", "sync"],
            [*nova, "cell_v2", "map_cell0", f"--database_connection={db.url('nova_cell0')}"],
            [*nova, "cell_v2", "create_cell", "--name=cell1"],
            [*nova, "db", "sync"],
        ],
    }


def _run_chain(layout: Layout, env: dict[str, str], name: str, chain: list[list[str]]) -> None:
    for argv in chain:
        words = [arg for arg in argv[1:] if not arg.startswith("-") and "/" not in arg]
        command = " ".join([Path(argv[0]).name, *words])
        run_logged(argv, log=layout.log(f"migrate-{name}"), what=command, env=env)


def migrate(layout: Layout, venv: Path, db: MariaDB, admin_password: str) -> None:
    """Run the five migration chains in parallel (they touch independent databases)."""
    chains = _migration_chains(layout, venv, db, admin_password)
    env = base_env(layout, venv)
    with ThreadPoolExecutor(max_workers=len(chains)) as pool:
        futures = [
            pool.submit(_run_chain, layout, env, name, chain) for name, chain in chains.items()
        ]
    for future in futures:
        future.result()  # re-raises the first failed chain's DevcloudError


def run_seed(layout: Layout, venv: Path, phase: str) -> None:
    """Run seed.py in the virtualenv for one phase (`identity` or `resources`)."""
    argv = [str(venv / "bin" / "python"), "-m", "devcloud.seed", phase, str(layout.credentials)]
    env = base_env(layout, venv) | {"PYTHONPATH": str(REPO_ROOT)}
    run_logged(argv, log=layout.log("seed"), what=f"seeding ({phase})", env=env)


def wait_compute_nodes(layout: Layout, db: MariaDB, names: list[str]) -> None:
    """Wait for these nova-compute services (nova-compute, nova-compute-2, ...) to create their
    compute_nodes rows (needed before discover_hosts)."""
    deadline = time.monotonic() + COMPUTE_NODE_TIMEOUT
    waiting = set(names)
    while True:
        rows = db.query("SELECT host FROM nova_cell1.compute_nodes WHERE deleted = 0")
        waiting -= {reporting_service("nova-compute", host) for (host,) in rows}
        if not waiting:
            return
        for name in sorted(waiting):
            if runtime.service_pid(layout, name) is None:
                raise DevcloudError(
                    f"{name} exited before registering its compute node.",
                    detail=log_tail_detail(name, layout.log(name)),
                )
            if time.monotonic() > deadline:
                raise DevcloudError(
                    f"{name} did not register its compute node within "
                    f"{COMPUTE_NODE_TIMEOUT:.0f} s.",
                    detail=log_tail_detail(name, layout.log(name)),
                )
        time.sleep(0.5)


def discover_hosts(layout: Layout, venv: Path) -> None:
    """Map the compute hosts into cell1; boots fail with NoValidHost until this runs."""
    nova_conf = layout.etc / "nova" / "nova.conf"
    argv = [str(venv / "bin" / "nova-manage"), "--config-file", str(nova_conf)]
    run_logged(
        [*argv, "cell_v2", "discover_hosts", "--verbose"],
        log=layout.log("migrate-nova"),
        what="nova-manage cell_v2 discover_hosts",
        env=base_env(layout, venv),
    )


def reset_state(layout: Layout, db: MariaDB) -> None:
    """Start from empty databases and an empty data directory (a half-done bootstrap is lost)."""
    runtime.stop_all(layout)
    db.create_databases()
    shutil.rmtree(layout.data, ignore_errors=True)
    make_data_dirs(layout)


def bootstrap(
    layout: Layout,
    progress: Progress,
    venv: Path,
    db: MariaDB,
    services: list[Service],
    credentials: dict[str, str],
) -> None:
    """Bring a never-bootstrapped state to the seeded, snapshotted and running cloud."""
    with progress.step("create the databases"):
        reset_state(layout, db)
    with progress.step("migrate the databases (5 chains in parallel)"):
        migrate(layout, venv, db, credentials["admin"])
    keystone, others = services[0], services[1:]
    with progress.step("start keystone"):
        runtime.start(layout, [keystone])
        runtime.wait_answering(layout, progress, [keystone])
    with progress.step("register the catalog and the users"):
        run_seed(layout, venv, "identity")
        (layout.data / SEED_STAMP).write_text(SEED_VERSION + "\n")
    with progress.step("start placement, glance, nova and neutron"):
        since = runtime.database_now(db)
        runtime.start(layout, others)
        runtime.wait_answering(layout, progress, others)
    with progress.step("wait for the compute node and discover it"):
        wait_compute_nodes(layout, db, ["nova-compute"])
        discover_hosts(layout, venv)
    with progress.step("seed flavors, image and external network"):
        run_seed(layout, venv, "resources")
    with progress.step("wait for nova's services to report"):
        runtime.wait_nova_reports(layout, progress, db, since, set(NOVA_WORKERS))
    with progress.step("take the snapshot"):
        snapshot.take(layout, db)
