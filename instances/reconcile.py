"""Observe Nova and Glance, map each object to mirror fields, write what changed.

Every function takes the dashboard's service (admin) connection. A full sweep is a complete
listing of its scope (every project, or one) and alone deletes rows that vanished; a targeted
reconcile (by ids) deletes only the rows of ids the cloud answers 404 for; the incremental server
pass (Nova `changes-since`) deletes only servers Nova reports as DELETED. Full sweeps never delete
rows written after they started, so a targeted reconcile that ran meanwhile is not undone.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dashboard.cloud.errors import CloudNotFound, translated
from dashboard.cloud.listing import server_lister
from dashboard.i18n import Message, gettext_noop
from dashboard.mirror.reconcile import (
    Observed,
    fetch_each,
    in_project,
    sync_listing,
    sync_targeted,
)
from dashboard.mirror.sync import SyncResult, delete_rows, sync_rows
from instances.models import (
    Flavor,
    FlavorAccess,
    Image,
    ImageMember,
    KeyPair,
    Server,
    SyncWatermark,
)
from networks.models import Port
from networks.reconcile import NEUTRON, port_fields_from_cloud

NOVA = "Nova"
GLANCE = "Glance"
# Nova listings are paged by Nova itself (`[api] max_limit` per page, a `servers_links` next
# link), which the SDK follows. Glance pages 25 images by default; it is asked for larger pages.
# An explicit `limit` makes the SDK always request one page more, with the last id as marker:
# for servers that once failed with "Endless pagination loop detected" while a server was
# leaving BUILD, so Nova listings are not given one.
IMAGE_PAGE_SIZE = 200
# Nova stores `updated_at` in whole seconds, and its clock and ours may differ; an incremental
# pass asks for changes since its watermark minus this margin. Re-reading a server is harmless.
CHANGES_SINCE_MARGIN = timedelta(seconds=30)
# Past this age a watermark is not trusted: `nova-manage db archive_deleted_rows` may have
# removed the DELETED servers the incremental pass would have reported, so a full sweep runs.
WATERMARK_MAX_AGE = timedelta(hours=1)
DELETED = "DELETED"


@dataclass(frozen=True)
class ServerSyncResult(SyncResult):
    """A SyncResult plus the observed servers still in a transitional state (BUILD, or a task
    under way): the caller schedules a follow-up targeted reconcile for them."""

    transitional: tuple[str, ...] = ()


def _when(value: Any) -> datetime | None:
    """An aware datetime from an API timestamp ("2026-01-02T03:04:05Z"), or None."""
    return parse_datetime(value) if value else None


# ---- servers ----------------------------------------------------------------------------------


def server_fields_from_cloud(server: Any) -> dict[str, Any]:
    """Mirror fields of an SDK Server listed or shown at microversion >= 2.47."""
    flavor = server.flavor
    embedded_flavor = {
        "original_name": flavor.original_name or flavor.name or "",
        "vcpus": flavor.vcpus or 0,
        "ram": flavor.ram or 0,
        "disk": flavor.disk or 0,
        "ephemeral": flavor.ephemeral or 0,
        "swap": flavor.swap or 0,
        "extra_specs": dict(flavor.extra_specs or {}),
    }
    fault = server.fault
    return {
        "project_id": server.project_id or "",
        "name": server.name or "",
        "status": server.status or "",
        "task_state": server.task_state or "",
        "vm_state": server.vm_state or "",
        "power_state": server.power_state,
        "user_id": server.user_id or "",
        "description": server.description or "",
        "addresses": dict(server.addresses or {}),
        "flavor": embedded_flavor,
        "flavor_name": embedded_flavor["original_name"],
        "vcpus": embedded_flavor["vcpus"],
        "ram": embedded_flavor["ram"],
        "disk": embedded_flavor["disk"],
        # Nova answers `"image": ""` for a server booted from a volume.
        "image_id": getattr(server.image, "id", None) or None,
        "key_name": server.key_name or "",
        # One entry per port in Nova's answer; the mirror keeps each name once, sorted.
        "security_groups": sorted({group["name"] for group in server.security_groups or []}),
        "availability_zone": server.availability_zone or "",
        "metadata": dict(server.metadata or {}),
        # Only what a user may see: `details` can hold a compute host's traceback.
        "fault": {"code": fault.get("code"), "message": fault.get("message", "")}
        if fault
        else None,
        "volumes_attached": [
            {"id": volume["id"], "delete_on_termination": bool(volume.get("delete_on_termination"))}
            for volume in server.attached_volumes or []
        ],
        "locked": bool(server.is_locked),
        "created_at": _when(server.created_at),
        "updated_at": _when(server.updated_at),
    }


def server_is_transitional(*, status: str, task_state: str) -> bool:
    """Whether Nova is still working on the server, so its row will change again soon."""
    return status == "BUILD" or bool(task_state)


def _transitional(observed: Observed) -> tuple[str, ...]:
    return tuple(
        sorted(
            server_id
            for server_id, fields in observed.items()
            if server_is_transitional(status=fields["status"], task_state=fields["task_state"])
        )
    )


def _server_result(result: SyncResult, observed: Observed) -> ServerSyncResult:
    return ServerSyncResult(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        deleted=result.deleted,
        transitional=_transitional(observed),
    )


def _watermark_key(project_id: str | None) -> str:
    return f"servers:{project_id or '*'}"


def _list_servers(*, conn: Any, project_id: str | None, **query: Any) -> list[Any]:
    if project_id is not None:
        query["project_id"] = project_id
    if project_id:
        doing = Message(gettext_noop("list the servers of project %(id)s"), {"id": project_id})
    else:
        doing = Message(gettext_noop("list the servers of all projects"))
    with translated(doing=doing, service=NOVA):
        return list(server_lister(conn)(all_projects=True, **query))


def reconcile_servers(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> ServerSyncResult:
    """Mirror servers: by `ids` (404 deletes that row), else a full sweep of one project or all.

    Idempotent. A full sweep also sets the watermark of the incremental pass for its scope.
    Raises CloudError when Nova cannot be read; the mirror is then left as it was.
    """
    if ids is not None:
        return _reconcile_servers_by_id(conn=conn, ids=ids)
    started = timezone.now()
    observed = {
        server.id: server_fields_from_cloud(server)
        for server in _list_servers(conn=conn, project_id=project_id)
    }
    result = sync_listing(
        model=Server, observed=observed, started=started, scope=in_project(project_id)
    )
    SyncWatermark.objects.update_or_create(
        key=_watermark_key(project_id), defaults={"observed_at": started}
    )
    return _server_result(result, observed)


def _reconcile_servers_by_id(*, conn: Any, ids: list[str]) -> ServerSyncResult:
    """Nova shows a server it just deleted as DELETED for a while: gone, as a 404 is."""
    found, gone = fetch_each(ids=ids, fetch=conn.compute.get_server, noun="server", service=NOVA)
    observed: Observed = {}
    for server_id, server in found.items():
        fields = server_fields_from_cloud(server)
        if fields["status"] == DELETED:
            gone.append(server_id)
        else:
            observed[server_id] = fields
    return _server_result(sync_targeted(model=Server, observed=observed, gone=gone), observed)


# Past this many servers the mirror lacks (an empty mirror), one detailed listing is cheaper
# than reading them one by one.
READ_MISSING_SERVERS_AT_MOST = 50


def reconcile_servers_present(*, conn: Any, project_id: str | None = None) -> ServerSyncResult:
    """The periodic sweep of servers (of one project or all), without their details: Nova's
    plain listing (ids and names) against the mirror. Rows of servers it lacks are deleted
    (not rows written since it began), servers the mirror lacks are read by id, or all with one
    detailed listing when there are many (all of them, into an empty mirror); changes to the
    others are the changes-since pass's.
    An empty listing deletes no row before reading it by id (a 404 deletes it). Idempotent;
    raises CloudError when Nova cannot be read."""
    started = timezone.now()
    query: dict[str, Any] = {"all_projects": True}
    if project_id is not None:
        query["project_id"] = project_id
    scope = in_project(project_id)
    mirrored = set(Server.objects.filter(scope).values_list("pk", flat=True))
    if not mirrored:
        return reconcile_servers(conn=conn, project_id=project_id)
    with translated(doing=gettext_noop("list the servers' ids"), service=NOVA):
        listed = {server.id for server in conn.compute.servers(details=False, **query)}
    if not listed:
        return _reconcile_servers_by_id(conn=conn, ids=sorted(mirrored))
    missing = sorted(listed - mirrored)
    if len(missing) > READ_MISSING_SERVERS_AT_MOST:
        return reconcile_servers(conn=conn, project_id=project_id)
    result = _reconcile_servers_by_id(conn=conn, ids=missing)
    vanished = Server.objects.filter(scope, synced_at__lt=started).exclude(pk__in=listed)
    gone = delete_rows(model=Server, ids=list(vanished.values_list("pk", flat=True)))
    return replace(
        result,
        unchanged=result.unchanged + len(listed) - len(missing),
        deleted=result.deleted + gone,
    )


def reconcile_server_ports(*, conn: Any, server_ids: list[str]) -> SyncResult:
    """Mirror the ports Neutron has for these servers (one listing per server): a new server's
    ports exist only once Nova has built it, and its page offers them (floating IPs,
    interfaces) from the mirror. Idempotent; deletes nothing (a port that left a server still
    exists)."""
    observed: Observed = {}
    for server_id in server_ids:
        doing = Message(gettext_noop("list the ports of server %(id)s"), {"id": server_id})
        with translated(doing=doing, service=NEUTRON):
            observed.update(
                (port.id, port_fields_from_cloud(port))
                for port in conn.network.ports(device_id=server_id)
            )
    return sync_targeted(model=Port, observed=observed)


def reconcile_servers_incremental(*, conn: Any, project_id: str | None = None) -> ServerSyncResult:
    """Mirror the servers Nova reports changed since the last pass of this scope, deleting the
    rows of those it reports DELETED and nothing else (a partial listing).

    Falls back to a full sweep when the scope has no watermark yet, or only an old one.
    Idempotent; the watermark moves only after a successful pass.
    """
    started = timezone.now()
    watermark = SyncWatermark.objects.filter(key=_watermark_key(project_id)).first()
    if watermark is None or watermark.observed_at < started - WATERMARK_MAX_AGE:
        return reconcile_servers(conn=conn, project_id=project_id)
    since = watermark.observed_at - CHANGES_SINCE_MARGIN
    observed: Observed = {}
    gone: list[str] = []
    for server in _list_servers(
        conn=conn, project_id=project_id, changes_since=since.strftime("%Y-%m-%dT%H:%M:%SZ")
    ):
        if server.status == DELETED:
            gone.append(server.id)
        else:
            observed[server.id] = server_fields_from_cloud(server)
    result = sync_targeted(model=Server, observed=observed, gone=gone)
    watermark.observed_at = started
    watermark.save(update_fields=["observed_at"])
    return _server_result(result, observed)


# ---- flavors ----------------------------------------------------------------------------------


def flavor_fields_from_cloud(flavor: Any) -> dict[str, Any]:
    """Mirror fields of an SDK Flavor (microversion >= 2.61: description and extra specs)."""
    return {
        "project_id": "",
        "name": flavor.name or "",
        "vcpus": flavor.vcpus or 0,
        "ram": flavor.ram or 0,
        "disk": flavor.disk or 0,
        "ephemeral": flavor.ephemeral or 0,
        "swap": flavor.swap or 0,
        "is_public": bool(flavor.is_public),
        "description": flavor.description or "",
        "extra_specs": dict(flavor.extra_specs or {}),
    }


def flavor_access_fields_from_cloud(access: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The id and mirror fields of one `os-flavor-access` entry ({flavor_id, tenant_id})."""
    flavor_id, project_id = access["flavor_id"], access["tenant_id"]
    return f"{flavor_id}:{project_id}", {"flavor_id": flavor_id, "project_id": project_id}


def _flavor_access(*, conn: Any, flavors: Iterable[Any]) -> Observed:
    """Who may use each private flavor: one call per private flavor (Nova lists no more)."""
    observed: Observed = {}
    for flavor in flavors:
        if flavor.is_public:
            continue
        try:
            doing = Message(
                gettext_noop("list the projects of flavor %(name)s"), {"name": flavor.name}
            )
            with translated(doing=doing, service=NOVA):
                entries = conn.compute.get_flavor_access(flavor.id)
        except CloudNotFound:
            continue  # deleted since it was listed; the next sweep removes its row
        observed.update(flavor_access_fields_from_cloud(entry) for entry in entries)
    return observed


def reconcile_flavors(*, conn: Any, ids: list[str] | None = None) -> SyncResult:
    """Mirror flavors, public and private, and the projects private ones are granted to.

    Full sweep, or by `ids` (404 deletes that flavor and its grants). Flavors have no project.
    Counts cover both tables. Idempotent; raises CloudError when Nova cannot be read.
    """
    started = timezone.now()
    gone: list[str] = []
    if ids is None:
        with translated(doing=gettext_noop("list the flavors"), service=NOVA):
            flavors = list(conn.compute.flavors(details=True, is_public=None))
    else:
        found, gone = fetch_each(
            ids=ids, fetch=conn.compute.get_flavor, noun="flavor", service=NOVA
        )
        flavors = list(found.values())
    access = _flavor_access(conn=conn, flavors=flavors)
    observed = {flavor.id: flavor_fields_from_cloud(flavor) for flavor in flavors}
    if ids is None:
        result = sync_listing(model=Flavor, observed=observed, started=started)
        access_scope = Q(synced_at__lt=started)
    else:
        result = sync_targeted(model=Flavor, observed=observed, gone=gone)
        access_scope = Q(flavor_id__in=ids)
    access_result = sync_rows(
        model=FlavorAccess, observed=access, scope=access_scope, complete=True
    )
    return result + access_result


# ---- images -----------------------------------------------------------------------------------


def image_fields_from_cloud(image: Any) -> dict[str, Any]:
    """Mirror fields of an SDK (Glance v2) Image; its `owner` is the row's project."""
    return {
        "project_id": image.owner or "",
        "name": image.name or "",
        "status": image.status or "",
        "visibility": image.visibility or "",
        "os_hidden": bool(image.is_hidden),
        "protected": bool(image.is_protected),
        "min_disk": image.min_disk or 0,
        "min_ram": image.min_ram or 0,
        "size": image.size,
        "disk_format": image.disk_format or "",
        "container_format": image.container_format or "",
        "created_at": _when(image.created_at),
        "updated_at": _when(image.updated_at),
    }


def image_member_fields_from_cloud(member: Any) -> tuple[str, dict[str, Any]]:
    """The id and mirror fields of one SDK image Member (`id` is the member project)."""
    image_id, project_id = member.image_id, member.member_id
    return f"{image_id}:{project_id}", {
        "image_id": image_id,
        "project_id": project_id,
        "status": member.status or "",
    }


def _image_members(*, conn: Any, images: Iterable[Any]) -> Observed:
    """The projects each shared image is shared with: one call per shared image (Glance lists
    no more); public, private and community images have no members."""
    observed: Observed = {}
    for image in images:
        if image.visibility != "shared":
            continue
        try:
            doing = Message(
                gettext_noop("list the members of image %(name)s"), {"name": image.name}
            )
            with translated(doing=doing, service=GLANCE):
                members = list(conn.image.members(image.id))
        except CloudNotFound:
            continue  # deleted since it was listed; the next sweep removes its rows
        observed.update(image_member_fields_from_cloud(member) for member in members)
    return observed


def reconcile_images(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror images and the members of shared ones: by `ids` (404 deletes that image and its
    members), else every image owned by one project, or all images. Counts cover both tables.
    Idempotent; raises CloudError when Glance cannot be read."""
    started = timezone.now()
    images: list[Any] = []
    gone: list[str] = []
    if ids is None:
        query: dict[str, Any] = {"visibility": "all", "limit": IMAGE_PAGE_SIZE}
        if project_id is not None:
            query["owner"] = project_id
        # Glance leaves hidden images out of a listing unless asked for them alone: two listings.
        for hidden in (False, True):
            with translated(doing=gettext_noop("list the images"), service=GLANCE):
                images.extend(conn.image.images(is_hidden=hidden, **query))
    else:
        found, gone = fetch_each(ids=ids, fetch=conn.image.get_image, noun="image", service=GLANCE)
        images = list(found.values())
    members = _image_members(conn=conn, images=images)
    observed = {image.id: image_fields_from_cloud(image) for image in images}
    if ids is None:
        scope = in_project(project_id)
        members_scope = Q(synced_at__lt=started)
        if project_id is not None:
            # The members of the project's images: those mirrored and those seen now.
            mirrored = Image.objects.filter(scope).values_list("id", flat=True)
            members_scope &= Q(image_id__in={*mirrored, *observed})
        result = sync_listing(model=Image, observed=observed, started=started, scope=scope)
    else:
        result = sync_targeted(model=Image, observed=observed, gone=gone)
        members_scope = Q(image_id__in=ids)
    members_result = sync_rows(
        model=ImageMember, observed=members, scope=members_scope, complete=True
    )
    return result + members_result


# ---- key pairs --------------------------------------------------------------------------------


def keypair_id(*, user_id: str, name: str) -> str:
    """The mirror id of a key pair: Nova's own unique key, (user, name)."""
    return f"{user_id}:{name}"


def keypair_fields_from_cloud(keypair: Any, *, user_id: str) -> dict[str, Any]:
    """Mirror fields of an SDK Keypair; Nova's listing omits the owner, so the caller names it."""
    return {
        "project_id": "",
        "user_id": user_id,
        "name": keypair.name,
        "fingerprint": keypair.fingerprint or "",
        "type": keypair.type or "ssh",
        "public_key": keypair.public_key or "",
    }


def reconcile_keypairs(*, conn: Any, user_id: str, names: list[str] | None = None) -> SyncResult:
    """Mirror one Keystone user's key pairs: all of them, or those `names` (404 deletes that row).

    Nova lists key pairs per user only (`GET /os-keypairs?user_id=`, admin), with no listing
    across users, so callers reconcile the users the dashboard knows. Idempotent.
    """
    if names is not None:
        found, gone = fetch_each(
            ids=names,
            fetch=lambda name: conn.compute.get_keypair(name, user_id=user_id),
            noun="key pair",
            service=NOVA,
        )
        return sync_targeted(
            model=KeyPair,
            observed={
                keypair_id(user_id=user_id, name=name): keypair_fields_from_cloud(
                    keypair, user_id=user_id
                )
                for name, keypair in found.items()
            },
            gone=[keypair_id(user_id=user_id, name=name) for name in gone],
        )
    started = timezone.now()
    doing = Message(gettext_noop("list the key pairs of user %(id)s"), {"id": user_id})
    with translated(doing=doing, service=NOVA):
        keypairs = list(conn.compute.keypairs(user_id=user_id))
    observed = {
        keypair_id(user_id=user_id, name=keypair.name): keypair_fields_from_cloud(
            keypair, user_id=user_id
        )
        for keypair in keypairs
    }
    return sync_listing(model=KeyPair, observed=observed, started=started, scope=Q(user_id=user_id))


def reconcile_keypairs_by_id(*, conn: Any, ids: list[str]) -> SyncResult:
    """Mirror the key pairs of these mirror ids (`keypair_id`), each user's with one targeted
    pass (404 deletes that row); idempotent."""
    names_by_user: dict[str, list[str]] = {}
    for each in ids:
        user_id, _, name = each.partition(":")  # Keystone ids hold no colon; names may
        names_by_user.setdefault(user_id, []).append(name)
    return sum(
        (
            reconcile_keypairs(conn=conn, user_id=user_id, names=names)
            for user_id, names in names_by_user.items()
        ),
        SyncResult(),
    )
