"""Sessions and openstacksdk connections, each with explicit connect and read timeouts.

A user's connection carries that user's project-scoped token, so Keystone policy decides what the
user may do; the service connection carries the dashboard's own account and is used to reconcile
the mirror and to answer what a user's token cannot.
"""

from functools import lru_cache

from django.conf import settings
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from keystoneauth1.plugin import BaseAuthPlugin
from openstack.connection import Connection as Connection  # the type apps annotate `conn` with

# The Nova API microversion every compute call is made with (the local cloud offers up to 2.104).
COMPUTE_MICROVERSION = "2.100"
USER_AGENT = "selfservice-dashboard"


def keystone_session(
    *, auth: BaseAuthPlugin | None = None, read_timeout: float | None = None
) -> ks_session.Session:
    """A keystoneauth Session with the configured TLS verification and (connect, read) timeouts;
    `read_timeout` shortens the read timeout for calls a user waits on."""
    session = ks_session.Session(auth=auth, verify=settings.OPENSTACK_VERIFY, app_name=USER_AGENT)
    # keystoneauth casts its `timeout` argument to one float; requests itself accepts a
    # (connect, read) pair, which the session hands to every request unchanged.
    session.timeout = (  # type: ignore[assignment]
        settings.OPENSTACK_CONNECT_TIMEOUT,
        read_timeout or settings.OPENSTACK_READ_TIMEOUT,
    )
    return session


def _connection(session: ks_session.Session) -> Connection:
    return Connection(
        session=session,
        region_name=settings.OPENSTACK_REGION_NAME,
        interface=settings.OPENSTACK_INTERFACE,
        compute_api_version=COMPUTE_MICROVERSION,
    )


def user_connection(
    *, token: str, project_id: str, read_timeout: float | None = None
) -> Connection:
    """An SDK connection that acts as the token's user in `project_id` (a shorter
    `read_timeout` for a call the user waits on in a page)."""
    auth = v3.Token(auth_url=settings.OPENSTACK_AUTH_URL, token=token, project_id=project_id)
    return _connection(keystone_session(auth=auth, read_timeout=read_timeout))


@lru_cache(maxsize=4)
def _service_connection(
    auth_url: str,
    username: str,
    password: str,
    project_name: str,
    user_domain_name: str,
    project_domain_name: str,
) -> Connection:
    auth = v3.Password(
        auth_url=auth_url,
        username=username,
        password=password,
        project_name=project_name,
        user_domain_name=user_domain_name,
        project_domain_name=project_domain_name,
    )
    return _connection(keystone_session(auth=auth))


def service_connection() -> Connection:
    """The dashboard's own (admin) connection; reused per process, it re-authenticates itself."""
    return _service_connection(
        settings.OPENSTACK_AUTH_URL,
        settings.OPENSTACK_SERVICE_USERNAME,
        settings.OPENSTACK_SERVICE_PASSWORD,
        settings.OPENSTACK_SERVICE_PROJECT_NAME,
        settings.OPENSTACK_SERVICE_USER_DOMAIN_NAME,
        settings.OPENSTACK_SERVICE_PROJECT_DOMAIN_NAME,
    )
