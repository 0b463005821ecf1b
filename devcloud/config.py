"""Write every service's config files, the data directories and the files for users."""

import shutil
from pathlib import Path

from devcloud.paths import NOVNC, Layout
from devcloud.rabbitmq import notifications_transport_url, notifications_url
from devcloud.services import compute_host, extra_compute_config, extra_compute_names
from devcloud.templating import fill, render

TRANSPORT_URL = "rabbit://guest:guest@127.0.0.1:5672/"
DATA_DIRS = (
    "keystone-fernet",
    "keystone-receipts",
    "keystone-credential",
    "glance-images",
    "glance-staging",
    "glance-tasks",
    "nova/instances",
    "neutron",
    "lock/glance",
    "lock/nova",
    "lock/neutron",
)


def _authtoken(user: str, password: str) -> str:
    return fill("authtoken.ini", username=user, password=password)


def _service_auth(section: str, user: str, password: str) -> str:
    return fill("service-auth.ini", section=section, username=user, password=password)


def _copy_paste_ini(venv: Path, source: str, target: Path) -> None:
    """Copy a paste ini that ships in a service's wheel under <venv>/etc."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(venv / "etc" / source, target)


def _sync_web_files(layout: Layout) -> None:
    """Make nova-novncproxy's web root a copy of devcloud/novnc, in place: the running proxy
    works in that directory (websockify changes into it), so it must never be replaced, and
    as it reads the files per request, a new copy needs no restart."""
    shutil.copytree(NOVNC, layout.novnc, dirs_exist_ok=True)
    copied = layout.novnc.rglob("*")
    stale = [path for path in copied if not (NOVNC / path.relative_to(layout.novnc)).exists()]
    for path in sorted(stale, reverse=True):  # what a directory holds goes before it
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()


def make_data_dirs(layout: Layout) -> None:
    """Create the data directories (key repositories readable by the owner only), the compute
    hosts' beyond the first included."""
    for name in (*DATA_DIRS, *(f"{host}/instances" for host in extra_compute_names(layout))):
        (layout.data / name).mkdir(parents=True, exist_ok=True)
    for name in ("keystone-fernet", "keystone-receipts", "keystone-credential"):
        (layout.data / name).chmod(0o700)
    layout.logs.mkdir(parents=True, exist_ok=True)


def write_service_configs(
    layout: Layout, venv: Path, credentials: dict[str, str], *, notifications: bool
) -> None:
    """Write the config files of all services from the templates; Nova, Neutron and Glance send
    notifications only if `notifications` (the vhost is ready)."""
    password = credentials["service"]
    etc = layout.etc
    common = {
        "logs": layout.logs,
        "data": layout.data,
        "etc": etc,
        "db_url": f"mysql+pymysql://root:{credentials['database']}@127.0.0.1:3307",
        "transport_url": TRANSPORT_URL,
        "notifications_driver": "messagingv2" if notifications else "noop",
        "notifications_transport_url": notifications_transport_url(),
    }
    render("keystone.conf", etc / "keystone" / "keystone.conf", **common)
    render(
        "placement.conf",
        etc / "placement" / "placement.conf",
        **common,
        authtoken_placement=_authtoken("placement", password),
    )
    render(
        "glance-api.conf",
        etc / "glance" / "glance-api.conf",
        **common,
        authtoken_glance=_authtoken("glance", password),
    )
    _copy_paste_ini(venv, "glance/glance-api-paste.ini", etc / "glance" / "glance-api-paste.ini")
    render(
        "nova.conf",
        etc / "nova" / "nova.conf",
        **common,
        authtoken_nova=_authtoken("nova", password),
        service_user_nova=_service_auth("service_user", "nova", password),
        placement_nova=_service_auth("placement", "nova", password),
        neutron_nova=_service_auth("neutron", "nova", password),
    )
    render("nova-api.conf", etc / "nova" / "nova-api.conf", **common)
    for name in extra_compute_names(layout):
        render(
            "nova-compute-host.conf",
            extra_compute_config(layout, name),
            data=layout.data,
            name=name,
            host=compute_host(name),
        )
    _copy_paste_ini(venv, "nova/api-paste.ini", etc / "nova" / "api-paste.ini")
    render(
        "neutron.conf",
        etc / "neutron" / "neutron.conf",
        **common,
        authtoken_neutron=_authtoken("neutron", password),
        nova_neutron=_service_auth("nova", "neutron", password),
    )
    render("neutron-api.conf", etc / "neutron" / "neutron-api.conf", **common)
    render("ml2_conf.ini", etc / "neutron" / "plugins" / "ml2" / "ml2_conf.ini")
    render("neutron-policy.yaml", etc / "neutron" / "policy.yaml")
    _copy_paste_ini(venv, "neutron/api-paste.ini", etc / "neutron" / "api-paste.ini")
    for conf in etc.rglob("*.conf"):
        conf.chmod(0o600)
    _sync_web_files(layout)


def write_user_files(layout: Layout, credentials: dict[str, str], *, notifications: bool) -> None:
    """Write dashboard.env and clouds.yaml (both hold passwords: mode 600). The env file names
    the notifications vhost only if `notifications` (the cloud sends them)."""
    passwords = {
        name: credentials[name] for name in ("admin", "dashboard", "trials", "demo", "other")
    }
    url = notifications_url() if notifications else ""
    for template, target in (
        ("dashboard.env", layout.dashboard_env),
        ("clouds.yaml", layout.clouds_yaml),
    ):
        render(template, target, **passwords, notifications_url=url)
        target.chmod(0o600)
