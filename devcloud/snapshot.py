"""The seeded state: a dump of the seven databases, the data directory and the credentials."""

import json
import shutil
import time

from devcloud.mariadb import MariaDB
from devcloud.paths import Layout

DUMP = "databases.sql"


def exists(layout: Layout) -> bool:
    """True once a bootstrap has completed and left its snapshot."""
    return (layout.snapshot / "manifest.json").exists()


def take(layout: Layout, db: MariaDB) -> None:
    """Write a new snapshot next to the old one, then swap it in (never half a snapshot)."""
    staging = layout.home / "snapshot.new"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    db.dump(staging / DUMP)
    # nova/compute_id must travel with the compute_nodes row it names (devcloud notes, 7-8).
    shutil.copytree(layout.data, staging / "data", symlinks=True)
    shutil.copy2(layout.credentials, staging / "credentials.json")
    manifest = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (staging / "manifest.json").write_text(json.dumps(manifest) + "\n")
    shutil.rmtree(layout.snapshot, ignore_errors=True)
    staging.rename(layout.snapshot)


def restore_credentials(layout: Layout) -> None:
    """Put the snapshot's credentials back (they match the restored users)."""
    shutil.copy2(layout.snapshot / "credentials.json", layout.credentials)


def restore(layout: Layout, db: MariaDB) -> None:
    """Load the databases and replace the data directory; the services must be stopped."""
    db.restore(layout.snapshot / DUMP)
    shutil.rmtree(layout.data, ignore_errors=True)
    shutil.copytree(layout.snapshot / "data", layout.data, symlinks=True)
    restore_credentials(layout)
