"""Set a project's compute and network quotas, and the default compute quotas (administrators).

Each runs with the administrator's own project-scoped token, so the cloud's policy decides.
Compute limits go to Nova's quota sets and quota class, or, when Nova uses Keystone's unified
limits (settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS), to Keystone's limits and registered limits.
Setting a limit is idempotent: a retry sets the same values again.
"""

from typing import Any

from django.conf import settings

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudError, CloudPermanentError, translated
from dashboard.cloud.identity import identity_proxy
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from tenants.reconcile import (
    KEYSTONE,
    NEUTRON,
    NOVA,
    NOVA_UNIFIED_LIMITS,
    compute_service_id,
    nova_registered_limits,
    reconcile_quota_defaults,
    reconcile_quotas,
)
from tenants.tasks import reconcile_quotas_task

UNIFIED_NAMES = {nova: unified for unified, nova in NOVA_UNIFIED_LIMITS.items()}


def _unified_name(resource: str) -> str:
    try:
        return UNIFIED_NAMES[resource]
    except KeyError:
        raise CloudPermanentError(
            Message(
                gettext_noop(
                    "Could not set the compute quota “%(resource)s”: Nova has no unified limit "
                    "for it. Leave it out."
                ),
                {"resource": resource},
            )
        ) from None


def _unified_limits_set(
    *, conn: Connection, project_id: str, label: str, limits: dict[str, int]
) -> None:
    """Create or update the project's Keystone limits of Nova's resources (found, not twinned,
    on a retry)."""
    identity = identity_proxy(conn)
    service_id = compute_service_id(conn=conn)
    registered = nova_registered_limits(conn=conn, service_id=service_id)
    reading = Message(
        gettext_noop("read the compute limits of project “%(project)s”"), {"project": label}
    )
    with translated(doing=reading, service=KEYSTONE):
        existing = {
            limit.resource_name: limit
            for limit in identity.limits(service_id=service_id, project_id=project_id)
        }
    for resource, value in limits.items():
        name = _unified_name(resource)
        if name not in registered:
            raise CloudPermanentError(
                Message(
                    gettext_noop(
                        "Could not set the compute limit “%(name)s” of project “%(project)s”: "
                        "Keystone has no registered limit for it, so it cannot hold a project "
                        "limit and Nova does not enforce it. Ask the cloud's operators to "
                        "register it (%(command)s)."
                    ),
                    {
                        "name": name,
                        "project": label,
                        "command": "openstack registered limit create --service nova "
                        f"--default-limit <n> {name}",
                    },
                )
            )
        doing = Message(
            gettext_noop("set the compute limit “%(name)s” of project “%(project)s” to %(value)s"),
            {"name": name, "project": label, "value": value},
        )
        with translated(doing=doing, service=KEYSTONE):
            if name in existing:
                if existing[name].resource_limit != value:
                    identity.update_limit(existing[name], resource_limit=value)
            else:
                identity.create_limit(
                    service_id=service_id,
                    project_id=project_id,
                    resource_name=name,
                    resource_limit=value,
                    region_id=registered[name].region_id,
                )


def _compute_quotas_set(
    *, conn: Connection, project_id: str, label: str, limits: dict[str, int], force: bool
) -> None:
    if settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS:
        _unified_limits_set(conn=conn, project_id=project_id, label=label, limits=limits)
        return
    updating = Message(
        gettext_noop("update the compute quotas of project “%(project)s”"), {"project": label}
    )
    with translated(doing=updating, service=NOVA):
        # `force` lets Nova take a limit below what the project already uses.
        attrs: dict[str, Any] = {"force": force, **limits}
        conn.compute.update_quota_set(project_id, **attrs)


def _network_quotas_set(
    *, conn: Connection, project_id: str, label: str, limits: dict[str, int], force: bool
) -> None:
    # openstacksdk's Quota has no `force`, which Neutron needs to take a limit below usage
    # (https://docs.openstack.org/api-ref/network/v2/#update-quota-for-a-project).
    body = {"quota": {**limits, **({"force": True} if force else {})}}
    updating = Message(
        gettext_noop("update the network quotas of project “%(project)s”"), {"project": label}
    )
    with translated(doing=updating, service=NEUTRON):
        conn.network.put(f"/quotas/{project_id}", json=body, raise_exc=True)


@operation_service
def project_quotas_update(
    *,
    conn: Connection,
    operation: Operation,
    project_id: str,
    compute: dict[str, int],
    network: dict[str, int],
    force: bool = False,
) -> None:
    """Set the project's compute limits, then its network limits; mirror both.

    When the network step fails after the compute step succeeded, the error says so (the compute
    limits stay set; a retry sets both again). Raises CloudError.
    """
    label = operation.target_label
    if compute:
        _compute_quotas_set(
            conn=conn, project_id=project_id, label=label, limits=compute, force=force
        )
    if network:
        try:
            _network_quotas_set(
                conn=conn, project_id=project_id, label=label, limits=network, force=force
            )
        except CloudError as exc:
            if not compute:
                raise
            reconcile_quotas(conn=service_connection(), project_id=project_id)
            raise type(exc)(
                Message(
                    gettext_noop(
                        "Compute quotas of project “%(project)s” updated; network quotas not. "
                        "%(error)s"
                    ),
                    {"project": label, "error": exc.message},
                ),
                status_code=exc.status_code,
                request_id=exc.request_id,
                error_type=exc.error_type,
            ) from exc
    reconcile_quotas(conn=service_connection(), project_id=project_id)


@operation_service
def compute_default_quotas_update(
    *, conn: Connection, operation: Operation, compute: dict[str, int]
) -> None:
    """Set the default compute limits (Nova's quota class `default`, or Keystone's registered
    limits of Nova under unified limits); mirror them and queue a sweep of every project's
    quotas, which follow the defaults. Raises CloudError."""
    if settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS:
        identity = identity_proxy(conn)
        service_id = compute_service_id(conn=conn)
        registered = nova_registered_limits(conn=conn, service_id=service_id)
        for resource, value in compute.items():
            name = _unified_name(resource)
            doing = Message(
                gettext_noop("set the registered compute limit “%(name)s” to %(value)s"),
                {"name": name, "value": value},
            )
            with translated(doing=doing, service=KEYSTONE):
                if name in registered:
                    if registered[name].default_limit != value:
                        identity.update_registered_limit(registered[name], default_limit=value)
                else:
                    identity.create_registered_limit(
                        service_id=service_id, resource_name=name, default_limit=value
                    )
    else:
        with translated(doing=gettext_noop("update the default compute quotas"), service=NOVA):
            conn.compute.update_quota_class_set("default", **compute)
    reconcile_quota_defaults(conn=service_connection())
    reconcile_quotas_task.delay()
