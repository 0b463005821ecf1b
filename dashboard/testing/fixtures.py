"""pytest fixtures shared by every app's tests: the real local cloud, throwaway Keystone accounts.

Tests talk to the cloud that `python3 -m devcloud up` runs on 127.0.0.1 (bin/test starts it).
Every account a test makes lives in projects of its own and is deleted when the test ends.
"""

import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation
from openstack.exceptions import ConflictException

from dashboard.cloud import identity
from dashboard.cloud.connection import service_connection, user_connection
from dashboard.mirror.listener import NotificationListener
from dashboard.mirror.live import VersionedCache
from dashboard.testing.waiting import wait_until

NAME_PREFIX = "test-"
DEFAULT_DOMAIN = "Default"


@pytest.fixture(autouse=True)
def default_language_after_the_test() -> Iterator[None]:
    """A request leaves its language (the browser's, or the user's setting) active in the
    thread; the tests after it read texts in the default language, whatever ran before."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def mirror_reads_forgotten_after_the_test() -> Iterator[None]:
    """What pages kept per mirror version (`VersionedCache`, and the filter forms in the
    `fragments` cache) goes with the test: its rows are rolled back, and written in a
    transaction that never commits, without the counters moving."""
    yield
    for kept in VersionedCache.every:
        kept.clear()
    caches["fragments"].clear()


@dataclass
class KeystoneAccount:
    """A Keystone user made for one test, with its projects (first = where it signs in)."""

    username: str
    password: str
    user_id: str
    projects: list[Any] = field(default_factory=list)
    domain: str = DEFAULT_DOMAIN

    @property
    def project(self) -> Any:
        return self.projects[0]

    def credentials(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password, "domain": self.domain}


@pytest.fixture(scope="session")
def cloud() -> Any:
    """The dashboard's service (admin) connection to the running local cloud."""
    if not settings.OPENSTACK_SERVICE_PASSWORD:
        pytest.fail(
            "The local cloud's settings are missing: run the suite with bin/test, "
            "or start the cloud with `python3 -m devcloud up`."
        )
    conn = service_connection()
    conn.authorize()  # fails fast, with keystoneauth's reason, when Keystone is down
    return conn


@cache
def _role(cloud: Any, name: str) -> Any:
    """Keystone's role `name`, looked up once per test session: the local cloud's roles are
    made by its seed and never change, and each lookup is two Keystone requests."""
    return cloud.identity.find_role(name, ignore_missing=False)


@contextmanager
def _accounts(cloud: Any) -> Iterator[Callable[..., KeystoneAccount]]:
    """Make accounts with `make(projects=, roles=)`; all deleted when the block ends."""
    created_users: list[Any] = []
    created_projects: list[Any] = []

    def make(*, projects: int = 1, roles: tuple[str, ...] = ("member",)) -> KeystoneAccount:
        tag = secrets.token_hex(4)
        password = secrets.token_urlsafe(16)
        user = cloud.identity.create_user(
            name=f"{NAME_PREFIX}{tag}", password=password, domain_id="default"
        )
        created_users.append(user)
        account = KeystoneAccount(username=user.name, password=password, user_id=user.id)
        for index in range(projects):
            project = cloud.identity.create_project(
                name=f"{NAME_PREFIX}{tag}-{index}", domain_id="default"
            )
            created_projects.append(project)
            for role_name in roles:
                cloud.identity.assign_project_role_to_user(project, user, _role(cloud, role_name))
            account.projects.append(project)
        return account

    try:
        yield make
    finally:
        for user in created_users:
            cloud.identity.delete_user(user, ignore_missing=True)
        for project in created_projects:
            # Neutron made a default security group for each project that used networking.
            for group in cloud.network.security_groups(project_id=project.id):
                _delete_security_group(cloud, group)
            cloud.identity.delete_project(project, ignore_missing=True)


def _delete_security_group(cloud: Any, group: Any) -> None:
    """Delete `group`, waiting while a port of a server deleted a moment ago still uses it (Nova
    has forgotten the server; Neutron deletes its port a little later)."""

    def deleted() -> bool | None:
        try:
            cloud.network.delete_security_group(group, ignore_missing=True)
        except ConflictException:
            return None
        return True

    wait_until(deleted, timeout=30, interval=0.5, what=f"deleting security group {group.id}")


@pytest.fixture
def make_account(cloud: Any) -> Iterator[Callable[..., KeystoneAccount]]:
    """Factory: a user with `roles` on `projects` new projects; all deleted after the test."""
    with _accounts(cloud) as make:
        yield make


@pytest.fixture(scope="module")
def module_account(cloud: Any) -> Iterator[KeystoneAccount]:
    """A member of one new project, shared by the tests of a module marked `shared_account`."""
    with _accounts(cloud) as make:
        yield make()


@pytest.fixture
def account(
    request: pytest.FixtureRequest, make_account: Callable[..., KeystoneAccount]
) -> KeystoneAccount:
    """A member of one new project. Tests marked `shared_account` (they change only the
    dashboard's database, or clean up what they make in the cloud) share one per module: each
    still signs in afresh and its database changes roll back, and a Keystone user and project
    per test is most of such a test's time."""
    if request.node.get_closest_marker("shared_account"):
        account: KeystoneAccount = request.getfixturevalue("module_account")
        return account
    return make_account()


@pytest.fixture
def admin(make_account: Callable[..., KeystoneAccount]) -> KeystoneAccount:
    """A holder of Keystone's admin role on a new project."""
    return make_account(roles=("admin",))


@pytest.fixture
def admin_client(admin: KeystoneAccount) -> Client:
    """A browser signed in as `admin`."""
    client = Client()
    assert client.post("/auth/login/", admin.credentials()).status_code == 302
    return client


@pytest.fixture
def cleanup() -> Iterator[Callable[[Callable[[], Any]], None]]:
    """Register undo steps; they run last-in, first-out after the test, whatever happened."""
    steps: list[Callable[[], Any]] = []
    yield steps.append
    for step in reversed(steps):
        step()


@pytest.fixture
def listener(transactional_db: None) -> Iterator[NotificationListener]:
    """A notification listener thread on an exclusive queue of its own, so the mirror follows
    changes made outside the dashboard as in production; stopped after the test."""
    url = str(settings.OPENSTACK_NOTIFICATIONS_URL)
    if not url:
        pytest.fail(
            "OPENSTACK_NOTIFICATIONS_URL is not set: the local cloud sends no notifications. "
            "Run `python3 -m devcloud up` and see its output about the notifications vhost."
        )
    running = NotificationListener(
        url=url, queue=f"dashboard-mirror-test-{secrets.token_hex(4)}", exclusive=True
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert running.ready.wait(10), "the listener did not start consuming within 10 s"
    yield running
    running.stop()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the listener did not stop within 30 s"


@pytest.fixture
def tenant_connection(account: KeystoneAccount) -> Iterator[Any]:
    """An SDK connection acting as `account` in its project, through the dashboard's layer."""
    unscoped = identity.password_login(
        username=account.username, password=account.password, domain=account.domain
    )
    scoped = identity.scoped_token(token=unscoped.token, project_id=account.project.id)
    yield user_connection(token=scoped.token, project_id=account.project.id)
    identity.revoke_token(token=scoped.token)
    identity.revoke_token(token=unscoped.token)


@pytest.fixture
def signed_in(client: Client, account: KeystoneAccount) -> Client:
    """The test client, signed in as `account`."""
    response = client.post("/auth/login/", account.credentials())
    assert response.status_code == 302, response.content.decode()
    return client


def token_status(cloud: Any, token: str) -> int:
    """Keystone's answer (200 valid, 404 revoked or expired) when asked to validate `token`."""
    response = cloud.session.get(
        f"{settings.OPENSTACK_AUTH_URL.rstrip('/')}/auth/tokens",
        headers={"X-Subject-Token": token},
        raise_exc=False,
    )
    return int(response.status_code)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A URL where connections are accepted and never answered: a Keystone that hangs.

    This fakes a fault the real cloud cannot be made to produce on demand (a service that takes
    connections but never replies); the connection is real, only the silence is staged.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v3"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on loopback where nothing listens: a Keystone that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v3"
