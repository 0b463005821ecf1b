"""Seed the devcloud with openstacksdk; runs inside the devcloud virtualenv. Idempotent.

`identity`: service project and users, the catalog, the dashboard account, demo and other.
`resources`: flavors, the cirros-fake image and the external network `public`.
Usage: python -m devcloud.seed {identity,resources} CREDENTIALS_JSON
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

import openstack
from openstack.connection import Connection

AUTH_URL = "http://127.0.0.1:5000/v3"
REGION = "RegionOne"
SERVICE_USERS = ("glance", "placement", "nova", "neutron")
CATALOG = {
    # type: (name, url)
    "image": ("glance", "http://127.0.0.1:9292"),
    "placement": ("placement", "http://127.0.0.1:8778"),
    "compute": ("nova", "http://127.0.0.1:8774/v2.1"),
    "network": ("neutron", "http://127.0.0.1:9696"),
}
FLAVORS = {"m1.nano": (64, 1, 1), "m1.tiny": (128, 1, 1), "m1.small": (512, 1, 5)}
# Service accounts and admin must never be locked out by someone else's failed logins.
NO_LOCKOUT = {"ignore_lockout_failure_attempts": True}


def connect(username: str, password: str, project: str) -> Connection:
    """A connection that ignores the caller's clouds.yaml and OS_* variables."""
    return openstack.connect(
        auth_url=AUTH_URL,
        username=username,
        password=password,
        project_name=project,
        user_domain_name="Default",
        project_domain_name="Default",
        region_name=REGION,
        load_yaml_config=False,
        load_envvars=False,
    )


def ensure_project(conn: Connection, name: str, description: str) -> Any:
    """Find or create a project in the Default domain."""
    project = conn.identity.find_project(name, domain_id="default")
    if project is None:
        project = conn.identity.create_project(
            name=name, domain_id="default", description=description
        )
        print(f"created project {name}")
    return project


def ensure_user(
    conn: Connection,
    name: str,
    password: str,
    project: Any,
    roles: tuple[str, ...],
    options: dict[str, bool] | None = None,
) -> Any:
    """Find or create a user with roles on `project`; the password is set only on creation."""
    user = conn.identity.find_user(name, domain_id="default")
    if user is None:
        user = conn.identity.create_user(
            name=name, password=password, domain_id="default", default_project_id=project.id
        )
        print(f"created user {name}")
    if options and any(user.options.get(key) != value for key, value in options.items()):
        user = conn.identity.update_user(user, options=options)
    for role_name in roles:
        role = conn.identity.find_role(role_name, ignore_missing=False)
        conn.identity.assign_project_role_to_user(project, user, role)
    return user


def ensure_endpoints(conn: Connection, service_type: str, name: str, url: str) -> None:
    """Find or create a catalog service and its public, internal and admin endpoints."""
    service = next(iter(conn.identity.services(type=service_type)), None)
    if service is None:
        service = conn.identity.create_service(type=service_type, name=name)
        print(f"created service {service_type}")
    existing = {
        endpoint.interface: endpoint
        for endpoint in conn.identity.endpoints(service_id=service.id, region_id=REGION)
    }
    for interface in ("public", "internal", "admin"):
        if interface not in existing:
            conn.identity.create_endpoint(
                service_id=service.id, interface=interface, url=url, region_id=REGION
            )
        elif existing[interface].url != url:
            conn.identity.update_endpoint(existing[interface], url=url)


def seed_identity(conn: Connection, credentials: dict[str, str]) -> None:
    """Service project and users, catalog, the dashboard's and the try-out accounts, demo, other."""
    admin = conn.identity.find_user("admin", domain_id="default", ignore_missing=False)
    if not admin.options.get("ignore_lockout_failure_attempts"):
        conn.identity.update_user(admin, options=NO_LOCKOUT)
    service = ensure_project(conn, "service", "OpenStack services and the dashboard account")
    for name in SERVICE_USERS:
        ensure_user(conn, name, credentials["service"], service, ("admin", "service"), NO_LOCKOUT)
    for service_type, (name, url) in CATALOG.items():
        ensure_endpoints(conn, service_type, name, url)
    ensure_user(conn, "dashboard", credentials["dashboard"], service, ("admin",), NO_LOCKOUT)
    # The try-out cloud's own account (TRIAL_ACCOUNT_*): sign-up, trials and their clean-up.
    admin_project = conn.identity.find_project("admin", domain_id="default", ignore_missing=False)
    ensure_user(conn, "trials", credentials["trials"], admin_project, ("admin",), NO_LOCKOUT)
    for name in ("demo", "other"):
        project = ensure_project(conn, name, f"devcloud project {name}")
        ensure_user(conn, name, credentials[name], project, ("member",))


def ensure_flavors(conn: Connection) -> None:
    """Find or create the public flavors m1.nano, m1.tiny and m1.small."""
    for name, (ram, vcpus, disk) in FLAVORS.items():
        if conn.compute.find_flavor(name) is None:
            conn.compute.create_flavor(name=name, ram=ram, vcpus=vcpus, disk=disk, is_public=True)
            print(f"created flavor {name}")


def ensure_image(conn: Connection) -> None:
    """Find or create `cirros-fake`: 4 KiB of random bytes, raw/bare, public."""
    if conn.image.find_image("cirros-fake") is None:
        conn.image.create_image(
            "cirros-fake",
            data=os.urandom(4096),
            disk_format="raw",
            container_format="bare",
            visibility="public",
        )
        print("created image cirros-fake")


def ensure_external_network(conn: Connection) -> None:
    """Find or create the flat external network `public` and its subnet 203.0.113.0/24."""
    network = conn.network.find_network("public")
    if network is None:
        network = conn.network.create_network(
            name="public",
            is_router_external=True,
            is_shared=False,
            provider_network_type="flat",
            provider_physical_network="public",
        )
        print("created network public")
    if conn.network.find_subnet("public-subnet", network_id=network.id) is None:
        conn.network.create_subnet(
            name="public-subnet",
            network_id=network.id,
            ip_version=4,
            cidr="203.0.113.0/24",
            gateway_ip="203.0.113.1",
            is_dhcp_enabled=False,
            allocation_pools=[{"start": "203.0.113.10", "end": "203.0.113.250"}],
        )
        print("created subnet public-subnet")


def seed_resources(conn: Connection) -> None:
    """Flavors, image and external network."""
    ensure_flavors(conn)
    ensure_image(conn)
    ensure_external_network(conn)


def main(argv: list[str]) -> int:
    """Run one seeding phase as admin."""
    phase, credentials_path = argv
    credentials = json.loads(Path(credentials_path).read_text())
    conn = connect("admin", credentials["admin"], "admin")
    if phase == "identity":
        seed_identity(conn, credentials)
    else:
        seed_resources(conn)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
