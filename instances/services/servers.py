"""Launch servers: one operation per server, idempotent by the operation id in its metadata."""

from datetime import timedelta
from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from dashboard.operations.services import operation_record_result
from instances.reconcile import NOVA, reconcile_keypairs, reconcile_servers
from instances.services.keypairs import keypair_import_once
from instances.tasks import server_followup_schedule

# The metadata key a launched server carries the id of the operation that made it under.
OPERATION_METADATA_KEY = "dashboard-operation"
# How far before the operation's creation a retry looks for its server (clocks may differ).
LOOKBACK = timedelta(minutes=5)
# Nova refuses a create that exceeds the project's quota with 403, as it does a policy refusal.
LAUNCH_ADVICE = {
    403: gettext_noop(
        "your project's compute quota (instances, vCPUs or RAM) is used up, or the cloud's "
        "policy does not let you launch servers. Delete servers you no longer need or ask a "
        "cloud administrator for a larger quota (the Overview shows usage)"
    ),
}


def _launched_before(*, conn: Connection, operation: Operation) -> Any | None:
    """The server an earlier attempt of this operation created, if any.

    Nova cannot filter by metadata, so the project's servers changed since the operation began
    are read (servers still being scheduled are always listed) and matched by the operation id.
    """
    if operation.result_id:
        server = conn.compute.find_server(operation.result_id, ignore_missing=True)
        if server is not None:
            return server
    since = (operation.created_at - LOOKBACK).strftime("%Y-%m-%dT%H:%M:%SZ")
    for server in conn.compute.servers(details=True, changes_since=since):
        if (server.metadata or {}).get(OPERATION_METADATA_KEY) == str(operation.id):
            return server
    return None


@operation_service
def server_create(
    *,
    conn: Connection,
    operation: Operation,
    name: str,
    image_id: str,
    flavor_id: str,
    nics: list[dict[str, str]],
    security_groups: list[str],
    key_name: str = "",
    public_key: str = "",
    availability_zone: str = "",
    user_data: str = "",
    metadata: dict[str, str] | None = None,
) -> None:
    """Launch one server (once, even when retried); mirror it and follow it while it builds.

    `nics` is Nova's ordered `networks` list ({"uuid": network} or {"port": port}); `user_data`
    is already base64; `public_key` is that of a key pair `key_name` the launch makes, imported
    first (already there with the same key counts as done). The operation ends once Nova
    accepted the server: the mirror's follow-ups watch the build, and a server that ends in
    ERROR shows Nova's fault on its page.
    """
    doing = Message(gettext_noop("launch server “%(name)s”"), {"name": name})
    with translated(doing=doing, service=NOVA):
        server = _launched_before(conn=conn, operation=operation)
    if server is None:
        if public_key:
            keypair_import_once(conn=conn, name=key_name, public_key=public_key)
            reconcile_keypairs(
                conn=service_connection(), user_id=operation.user_id, names=[key_name]
            )
        optional = {
            "security_groups": [{"name": group} for group in security_groups],
            "key_name": key_name,
            "availability_zone": availability_zone,
            "user_data": user_data,
        }
        with translated(doing=doing, service=NOVA, advice=LAUNCH_ADVICE):
            server = conn.compute.create_server(
                name=name,
                image_id=image_id,
                flavor_id=flavor_id,
                networks=nics,
                metadata={**(metadata or {}), OPERATION_METADATA_KEY: str(operation.id)},
                **{key: value for key, value in optional.items() if value},
            )
    if operation.result_id != server.id:
        operation_record_result(operation=operation, result_id=server.id)
    result = reconcile_servers(conn=service_connection(), ids=[server.id])
    server_followup_schedule(ids=result.transitional)
