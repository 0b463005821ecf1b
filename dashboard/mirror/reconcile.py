"""The shapes of a reconcile pass that every mirrored resource shares, built on `sync_rows`.

A pass observes the cloud with the dashboard's service connection, maps each object to mirror
fields with the resource's pure mapper, and writes the mirror in one of two ways:

- a listing (`reconcile_listing`; `sync_listing` for a listing a resource assembles itself) is
  complete for its scope, every project or one: the scope's rows it no longer holds are deleted,
  except rows written after it began, which a targeted pass wrote meanwhile (newer news);
- a targeted pass (`reconcile_ids`; `fetch_each` and `sync_targeted` for a resource that does more
  with what it fetched) reads each object by id: an id the cloud answers 404 for deletes that row,
  and nothing else is deleted, since a partial observation proves nothing about other rows.

`reconcile_objects` is either, for a resource whose API lists and shows objects the plain way.
`reconcile_revisions` is the cheap complete pass for objects with revision numbers (Neutron's):
it lists only ids and revisions, fetches the objects whose revision differs from their row's, and
deletes the rows the listing lacks, as a listing does; into an empty scope it lists the whole
objects at once.
Cloud failures raise CloudError (`dashboard.cloud.errors.translated`); what was written before
stays written, and running the pass again is harmless.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from itertools import batched
from typing import Any

import structlog
from django.db.models import Q
from django.utils import timezone

from dashboard.cloud.errors import CloudNotFound, Doing, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.mirror.models import MirrorModel
from dashboard.mirror.sync import SyncResult, delete_rows, sync_rows

log = structlog.get_logger(__name__)

Fields = dict[str, Any]
# Mirror fields of each observed object, by the row's id.
Observed = dict[str, Fields]
# A pure mapper from an SDK object to mirror fields.
FieldsFromCloud = Callable[[Any], Fields]


def in_project(project_id: str | None) -> Q:
    """The rows of one project, or (None) of every project."""
    return Q(project_id=project_id) if project_id is not None else Q()


def sync_listing(
    *, model: type[MirrorModel], observed: Observed, started: datetime, scope: Q | None = None
) -> SyncResult:
    """Write a complete listing of `scope` (default: the whole table) that began at `started`:
    delete the scope's rows it lacks, but none written since it began, and overwrite none of
    those either."""
    return sync_rows(
        model=model,
        observed=observed,
        scope=(scope or Q()) & Q(synced_at__lt=started),
        complete=True,
        observed_at=started,
    )


def sync_targeted(
    *, model: type[MirrorModel], observed: Observed, gone: Collection[str] = ()
) -> SyncResult:
    """Write a partial observation: upsert `observed`, and delete the rows of `gone` (objects the
    cloud says no longer exist) only."""
    result = sync_rows(model=model, observed=observed, complete=False)
    if not gone:
        return result
    return replace(result, deleted=delete_rows(model=model, ids=list(gone)))


def fetch_each(
    *, ids: Iterable[str], fetch: Callable[[str], Any], noun: str, service: str
) -> tuple[dict[str, Any], list[str]]:
    """Read each object once by id: (the objects found, by id; the ids the cloud answered 404
    for). Raises CloudError on any other failure."""
    found: dict[str, Any] = {}
    gone: list[str] = []
    for object_id in dict.fromkeys(ids):
        try:
            reading = Message(gettext_noop("read %(noun)s %(id)s"), {"noun": noun, "id": object_id})
            with translated(doing=reading, service=service):
                found[object_id] = fetch(object_id)
        except CloudNotFound:
            gone.append(object_id)
    return found, gone


def reconcile_ids(
    *,
    model: type[MirrorModel],
    ids: Iterable[str],
    fetch: Callable[[str], Any],
    fields_from_cloud: FieldsFromCloud,
    noun: str,
    service: str,
) -> SyncResult:
    """A targeted pass over `ids`: upsert the objects that exist, delete the rows of those the
    cloud calls gone (404); idempotent."""
    found, gone = fetch_each(ids=ids, fetch=fetch, noun=noun, service=service)
    observed = {object_id: fields_from_cloud(obj) for object_id, obj in found.items()}
    return sync_targeted(model=model, observed=observed, gone=gone)


def reconcile_listing(
    *,
    model: type[MirrorModel],
    list_objects: Callable[..., Iterable[Any]],
    fields_from_cloud: FieldsFromCloud,
    doing: Doing,
    service: str,
    project_id: str | None = None,
    page_size: int | None = None,
) -> SyncResult:
    """A full sweep of `model`: a complete listing of every project or of one (the API's
    `project_id` filter), asked in pages of `page_size` when the API pages; idempotent."""
    started = timezone.now()
    query: dict[str, Any] = {}
    if page_size is not None:
        query["limit"] = page_size
    if project_id is not None:
        query["project_id"] = project_id
    # Inside `translated`: the SDK's listings are generators that call the API as they go.
    with translated(doing=doing, service=service):
        observed = {obj.id: fields_from_cloud(obj) for obj in list_objects(**query)}
    return sync_listing(
        model=model, observed=observed, started=started, scope=in_project(project_id)
    )


# The field of the models whose rows `reconcile_revisions` writes (not every mirror table has it).
REVISION: str = "revision_number"
# Objects per page of a revision listing; None asks for no `limit`, so Neutron answers in one
# call (about 80 bytes an object) unless its `pagination_max_limit` pages the answer, whose next
# links the SDK follows. With a `limit`, Neutron adds a next link to every page and the SDK asks
# once more even when the first page held everything.
REVISION_PAGE_SIZE: int | None = None
# Ids per `id=` filter when fetching the objects that changed: 50 keep the request line near
# 2 KB, under the smallest limit in front of an API (uWSGI's 4 KB buffer holds the headers too;
# eventlet and Apache answer 414 past 8 KB).
ID_BATCH = 50
# Past this many changed objects (an empty mirror) one paged listing of whole objects is cheaper
# than fetching them by id.
FETCH_BY_ID_AT_MOST = 10 * ID_BATCH


def reconcile_revisions(
    *,
    model: type[MirrorModel],
    list_objects: Callable[..., Iterable[Any]],
    get_object: Callable[[str], Any],
    fields_from_cloud: FieldsFromCloud,
    noun: str,
    doing: Doing,
    service: str,
    project_id: str | None = None,
    page_size: int | None = None,
) -> SyncResult:
    """A complete pass of `model` (every project, or `project_id`'s) that reads only what changed:
    a listing of ids and revision numbers (`fields=`), then the objects whose revision differs
    from their row's, by id in batches; the scope's rows the listing lacks are deleted, except
    rows written since it began. An empty listing deletes no row before reading it by id (a 404
    deletes it), since a wrong policy or database looks just like that; a failed listing
    raises CloudError before anything is written. Changes that leave the revision as it was
    (Neutron computes a network's `availability_zones` from its agents) are not seen. With no
    row in the scope yet, every object is new: one paged listing of whole objects reads them.
    Idempotent."""
    started = timezone.now()
    scope = in_project(project_id)
    mirrored = dict(model._default_manager.filter(scope).values_list("pk", REVISION))
    whole_listing = partial(
        reconcile_listing,
        model=model,
        list_objects=list_objects,
        fields_from_cloud=fields_from_cloud,
        doing=doing,
        service=service,
        project_id=project_id,
        page_size=page_size,
    )
    if not mirrored:
        return whole_listing()
    query: dict[str, Any] = {"fields": ["id", REVISION]}
    if REVISION_PAGE_SIZE is not None:
        query["limit"] = REVISION_PAGE_SIZE
    if project_id is not None:
        query["project_id"] = project_id
    with translated(doing=doing, service=service):
        revisions = {obj.id: obj.revision_number for obj in list_objects(**query)}
    if not revisions:
        log.info("reconcile.empty_listing", model=model.__name__, project_id=project_id)
        return reconcile_ids(
            model=model,
            ids=list(mirrored),
            fetch=get_object,
            fields_from_cloud=fields_from_cloud,
            noun=noun,
            service=service,
        )
    changed = [object_id for object_id, rev in revisions.items() if mirrored.get(object_id) != rev]
    if len(changed) > FETCH_BY_ID_AT_MOST:
        return whole_listing()
    found: dict[str, Any] = {}
    for batch in batched(changed, ID_BATCH):
        with translated(doing=doing, service=service):
            found.update((obj.id, obj) for obj in list_objects(id=list(batch)))
    # An object deleted between the two listings is missing from `found`: the next pass
    # deletes its row, its delete event sooner.
    observed = {object_id: fields_from_cloud(obj) for object_id, obj in found.items()}
    result = sync_rows(model=model, observed=observed, complete=False, observed_at=started)
    vanished = (
        model._default_manager.filter(scope, synced_at__lt=started)
        .exclude(pk__in=list(revisions))
        .values_list("pk", flat=True)
    )
    return replace(
        result,
        unchanged=result.unchanged + len(revisions) - len(changed),
        deleted=delete_rows(model=model, ids=list(vanished)),
    )


def reconcile_objects(
    *,
    model: type[MirrorModel],
    noun: str,
    plural: str,
    service: str,
    list_objects: Callable[..., Iterable[Any]],
    get_object: Callable[[str], Any],
    fields_from_cloud: FieldsFromCloud,
    project_id: str | None = None,
    ids: Iterable[str] | None = None,
    page_size: int | None = None,
    revisions: bool = False,
) -> SyncResult:
    """A full sweep of `model` (every project, or `project_id`'s; by revision numbers when
    `revisions`, as `reconcile_revisions`), or a targeted pass over `ids`
    (`noun` and `plural` name the objects in error messages); idempotent."""
    if ids is not None:
        return reconcile_ids(
            model=model,
            ids=ids,
            fetch=get_object,
            fields_from_cloud=fields_from_cloud,
            noun=noun,
            service=service,
        )
    doing = (
        Message(gettext_noop("list %(objects)s"), {"objects": plural})
        if project_id is None
        else Message(
            gettext_noop("list %(objects)s of project %(project)s"),
            {"objects": plural, "project": project_id},
        )
    )
    if revisions:
        return reconcile_revisions(
            model=model,
            list_objects=list_objects,
            get_object=get_object,
            fields_from_cloud=fields_from_cloud,
            noun=noun,
            doing=doing,
            service=service,
            project_id=project_id,
            page_size=page_size,
        )
    return reconcile_listing(
        model=model,
        list_objects=list_objects,
        fields_from_cloud=fields_from_cloud,
        doing=doing,
        service=service,
        project_id=project_id,
        page_size=page_size,
    )
