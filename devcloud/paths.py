"""Where devcloud keeps things: the state directory in the checkout and the shared virtualenv."""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
TEMPLATES = PACKAGE_DIR / "templates"
CONSTRAINTS = PACKAGE_DIR / "constraints.txt"
REQUIREMENTS = PACKAGE_DIR / "requirements.txt"
# Packages devcloud installs into its virtualenv from this checkout.
ML2_DRIVER = PACKAGE_DIR / "ml2_driver"
COMPUTE_DRIVER = PACKAGE_DIR / "compute_driver"
LOCAL_PACKAGES = (ML2_DRIVER, COMPUTE_DRIVER)
# The web files nova-novncproxy serves: devcloud's console page and noVNC (vendored from npm).
NOVNC = PACKAGE_DIR / "novnc"


@dataclass(frozen=True)
class Layout:
    """The paths under the state directory (`.devcloud/` or `$DEVCLOUD_HOME`)."""

    home: Path

    @property
    def etc(self) -> Path:
        """Config files written from the templates."""
        return self.home / "etc"

    @property
    def data(self) -> Path:
        """Service data: key repositories, image files, nova state, lock dirs."""
        return self.home / "data"

    @property
    def logs(self) -> Path:
        """One log file per process, plus the bootstrap and install logs."""
        return self.home / "logs"

    @property
    def run(self) -> Path:
        """Pid files, the MariaDB socket and markers of what devcloud started."""
        return self.home / "run"

    @property
    def mysql(self) -> Path:
        """The private MariaDB's data directory."""
        return self.home / "mysql"

    @property
    def snapshot(self) -> Path:
        """The seeded state that `reset` restores."""
        return self.home / "snapshot"

    @property
    def credentials(self) -> Path:
        """Passwords generated once at bootstrap."""
        return self.home / "credentials.json"

    @property
    def dashboard_env(self) -> Path:
        """KEY=VALUE file read by the Django settings and the bin/ scripts."""
        return self.home / "dashboard.env"

    @property
    def clouds_yaml(self) -> Path:
        """clouds.yaml for the openstack CLI."""
        return self.home / "clouds.yaml"

    @property
    def novnc(self) -> Path:
        """nova-novncproxy's web files: a copy of devcloud/novnc, so that the running proxy
        does not depend on the checkout that started it."""
        return self.etc / "novnc"

    def log(self, name: str) -> Path:
        """The log file of one process or step."""
        return self.logs / f"{name}.log"


def state_layout() -> Layout:
    """The state layout: `$DEVCLOUD_HOME`, or `.devcloud/` in this checkout."""
    home = os.environ.get("DEVCLOUD_HOME")
    return Layout(home=Path(home).resolve() if home else REPO_ROOT / ".devcloud")


def package_set_hash(python_version: str) -> str:
    """Hash of what the virtualenv is built from: constraints, requirements, Python version."""
    digest = hashlib.sha256()
    for source in (CONSTRAINTS, REQUIREMENTS):
        digest.update(source.read_bytes())
    digest.update(python_version.encode())
    return digest.hexdigest()


def local_packages_hash() -> str:
    """Hash of the files of the packages installed from this checkout (the ML2 and compute
    drivers), so a change to one reinstalls them."""
    digest = hashlib.sha256()
    for package in LOCAL_PACKAGES:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
                digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def venv_dir(python_version: str) -> Path:
    """`$DEVCLOUD_VENV`, or a venv under the user's cache shared by all clones of the repo."""
    override = os.environ.get("DEVCLOUD_VENV")
    if override:
        return Path(override).resolve()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "dashboard-devcloud" / f"venv-{package_set_hash(python_version)[:12]}"
