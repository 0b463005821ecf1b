"""The instances app's part of the trials' clean-up (`tenants.lifetimes`): servers expire
TRIAL_SERVER_LIFETIME_HOURS after Nova created them; at the trial's end every server of the
project is deleted (and waited for: their ports hold the networks), then the key pairs of the
project's users, each with this app's own delete service."""

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudTransientError, could_not, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from instances.models import KeyPair, Server
from instances.reconcile import NOVA, reconcile_servers
from instances.services.keypairs import keypair_delete
from instances.services.server_actions import server_delete
from tenants.lifetimes import LifetimeKind, Removal, Resource, as_step, register_lifetime_kind

# How long the trial's end waits for Nova to finish deleting the project's servers, and how
# often it looks; past it, the operation is retried (with backoff) from the start.
SERVERS_GONE_WAIT = 60.0
SERVERS_GONE_POLL = 1.0


def _servers_listing(project_id: str) -> Message:
    return Message(
        gettext_noop("list the instances of project %(project)s"), {"project": project_id}
    )


def expired_servers(project_ids: list[str]) -> list[Removal]:
    """Servers of these projects, each deleted its lifetime after Nova created it (none while
    TRIAL_SERVER_LIFETIME_HOURS is 0)."""
    hours = settings.TRIAL_SERVER_LIFETIME_HOURS
    if hours <= 0:
        return []
    rows = Server.objects.filter(project_id__in=project_ids, created_at__isnull=False).only(
        "id", "name", "project_id", "created_at"
    )
    return [
        Removal(
            Resource("server", row.pk, row.name_or_id, row.project_id),
            row.created_at + timedelta(hours=hours),
        )
        for row in rows
        if row.created_at is not None
    ]


def expired_server_delete(resource: Resource) -> OperationRequest:
    return OperationRequest(
        service=server_delete,
        description=Message(
            gettext_noop(
                "Delete instance “%(name)s”: it reached the try-out cloud's lifetime of "
                "%(hours)s hours"
            ),
            {"name": resource.name, "hours": settings.TRIAL_SERVER_LIFETIME_HOURS},
        ),
        target_type="server",
        target_id=resource.id,
        target_name=resource.name,
        params={"server_id": resource.id},
    )


def servers_refresh(ids: list[str]) -> None:
    reconcile_servers(conn=service_connection(), ids=ids)


def servers_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    """Delete every server of the project, then wait until Nova has (raises
    CloudTransientError, to be retried, when it has not within SERVERS_GONE_WAIT)."""
    doing = _servers_listing(project_id)

    def listed() -> list[Any]:
        with translated(doing=doing, service=NOVA):
            return list(conn.compute.servers(all_projects=True, project_id=project_id))

    for server in listed():
        resource = Resource("server", server.id, server.name or server.id, project_id)
        server_delete(
            conn=conn, operation=as_step(operation, resource=resource), server_id=server.id
        )
    deadline = time.monotonic() + SERVERS_GONE_WAIT
    while listed():
        if time.monotonic() > deadline:
            raise CloudTransientError(
                could_not(
                    Message(
                        gettext_noop("remove the instances of project %(project)s"),
                        {"project": project_id},
                    ),
                    Message(
                        gettext_noop(
                            "Nova had not finished deleting them after %(seconds)s seconds; "
                            "the dashboard tries again"
                        ),
                        {"seconds": int(SERVERS_GONE_WAIT)},
                    ),
                )
            )
        time.sleep(SERVERS_GONE_POLL)


def keypairs_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    """The key pairs of the project's users (Nova keeps them per user, not per project)."""
    for user_id in user_ids:
        doing = Message(gettext_noop("list the key pairs of user %(user)s"), {"user": user_id})
        with translated(doing=doing, service=NOVA):
            names = [keypair.name for keypair in conn.compute.keypairs(user_id=user_id)]
        for name in names:
            resource = Resource("keypair", f"{user_id}:{name}", name, project_id)
            keypair_delete(
                conn=conn,
                operation=as_step(operation, resource=resource),
                name=name,
                user_id=user_id,
            )


def register() -> None:
    """Declare this app's kinds to the clean-up (from `InstancesConfig.ready`)."""
    register_lifetime_kind(
        LifetimeKind(
            resource_type="server",
            label=_("Instances"),
            order=20,
            owned=lambda project_id, user_ids: [
                Resource("server", row.pk, row.name_or_id, row.project_id)
                for row in Server.objects.filter(project_id=project_id)
            ],
            purge=servers_purge,
            expiring=expired_servers,
            removal_request=expired_server_delete,
            refresh=servers_refresh,
        )
    )
    register_lifetime_kind(
        LifetimeKind(
            resource_type="keypair",
            label=_("Key Pairs"),
            order=80,
            owned=lambda project_id, user_ids: [
                Resource("keypair", row.pk, row.name, project_id)
                for row in KeyPair.objects.filter(user_id__in=user_ids)
            ],
            purge=keypairs_purge,
        )
    )
