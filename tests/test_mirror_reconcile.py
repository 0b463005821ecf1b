"""The reconcile engine (`dashboard.mirror.reconcile`) on one mirror table: a targeted pass deletes
only what the cloud calls gone, a listing only its own scope's vanished rows, never newer ones.

The cloud's answers are plain objects handed to the engine: the apps' reconcile tests run the
same code against the local cloud; here its 404 is staged to pin the engine's side exactly.
"""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from dashboard.cloud.errors import CloudNotFound, CloudTransientError
from dashboard.mirror.reconcile import (
    ID_BATCH,
    reconcile_ids,
    reconcile_listing,
    reconcile_revisions,
)
from dashboard.mirror.sync import SyncResult
from networks.models import Network

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {"project_id": obj.project_id, "name": obj.name}


def _network(pk: str, *, project_id: str = "p1", name: str = "blue", age: int = 0) -> None:
    """A mirrored network, synced `age` seconds ago."""
    synced_at = timezone.now() - timedelta(seconds=age)
    Network.objects.create(id=pk, project_id=project_id, name=name, synced_at=synced_at)


def test_a_targeted_pass_writes_what_exists_and_deletes_only_what_the_cloud_calls_gone() -> None:
    _network("n-1")
    _network("n-2")
    _network("n-3")
    cloud = {"n-1": SimpleNamespace(id="n-1", project_id="p1", name="renamed")}
    asked: list[str] = []

    def fetch(object_id: str) -> Any:
        asked.append(object_id)
        if object_id not in cloud:
            raise CloudNotFound(f"Could not read network {object_id}: it no longer exists.")
        return cloud[object_id]

    result = reconcile_ids(
        model=Network,
        ids=["n-1", "n-2", "n-1"],
        fetch=fetch,
        fields_from_cloud=_fields,
        noun="network",
        service="Neutron",
    )

    assert asked == ["n-1", "n-2"]
    assert dict(Network.objects.values_list("pk", "name")) == {"n-1": "renamed", "n-3": "blue"}
    assert result == SyncResult(updated=1, deleted=1)


def test_a_listing_of_one_project_deletes_its_vanished_rows_but_none_written_since() -> None:
    _network("listed", name="old", age=60)
    _network("vanished", age=60)
    _network("other-project", project_id="p2", age=60)
    asked: list[dict[str, Any]] = []

    def list_networks(**query: Any) -> list[Any]:
        asked.append(query)
        _network("written-meanwhile")  # by a targeted pass while the listing ran
        return [SimpleNamespace(id="listed", project_id="p1", name="new")]

    result = reconcile_listing(
        model=Network,
        list_objects=list_networks,
        fields_from_cloud=_fields,
        doing="list networks of project p1",
        service="Neutron",
        project_id="p1",
        page_size=50,
    )

    assert asked == [{"limit": 50, "project_id": "p1"}]
    assert set(Network.objects.values_list("pk", flat=True)) == {
        "listed",
        "other-project",
        "written-meanwhile",
    }
    assert result == SyncResult(updated=1, deleted=1)


def test_results_of_two_writes_add_up() -> None:
    first = SyncResult(created=1, updated=2, unchanged=3, deleted=4)

    assert first + SyncResult(created=10, deleted=1) == SyncResult(
        created=11, updated=2, unchanged=3, deleted=5
    )


class RevisionCloud:
    """Neutron's listings as `reconcile_revisions` asks them: ids and revision numbers
    (`fields=`), whole objects by `id=` filter or all at once; every query is recorded."""

    def __init__(
        self, objects: list[SimpleNamespace], *, failing: bool = False, empty: bool = False
    ) -> None:
        self.objects = {obj.id: obj for obj in objects}
        self.failing = failing
        self.empty = empty  # the revision listing answers nothing
        self.asked: list[dict[str, Any]] = []

    def list(self, **query: Any) -> list[Any]:
        self.asked.append(query)
        if self.failing:
            raise CloudTransientError("Could not list networks: Neutron did not answer.")
        if "id" in query:
            return [self.objects[pk] for pk in query["id"] if pk in self.objects]
        if self.empty:
            return []
        if "fields" not in query:
            return list(self.objects.values())
        return [
            SimpleNamespace(id=obj.id, revision_number=obj.revision)
            for obj in self.objects.values()
        ]

    def get(self, object_id: str) -> Any:
        self.asked.append({"get": object_id})
        if object_id not in self.objects:
            raise CloudNotFound(f"Could not read network {object_id}: it no longer exists.")
        return self.objects[object_id]


def _cloud_network(pk: str, *, name: str = "blue", revision: int = 1) -> SimpleNamespace:
    return SimpleNamespace(id=pk, project_id="p1", name=name, revision=revision)


def _revision_fields(obj: Any) -> dict[str, Any]:
    return {"project_id": obj.project_id, "name": obj.name, "revision_number": obj.revision}


def _sweep_by_revision(cloud: RevisionCloud, **options: Any) -> SyncResult:
    return reconcile_revisions(
        model=Network,
        list_objects=cloud.list,
        get_object=cloud.get,
        fields_from_cloud=_revision_fields,
        noun="network",
        doing="list networks",
        service="Neutron",
        **options,
    )


def _mirrored(pk: str, *, revision: int, name: str = "blue", age: int = 60) -> None:
    Network.objects.create(
        id=pk,
        project_id="p1",
        name=name,
        revision_number=revision,
        synced_at=timezone.now() - timedelta(seconds=age),
    )


def test_a_revision_sweep_fetches_only_what_changed_and_deletes_what_is_gone() -> None:
    _mirrored("unchanged", revision=3)
    _mirrored("changed", revision=1)
    _mirrored("gone", revision=2)
    _mirrored("written-meanwhile", revision=1, age=-60)  # by a targeted pass after it began
    cloud = RevisionCloud(
        [
            _cloud_network("unchanged", revision=3, name="not read"),
            _cloud_network("changed", name="renamed", revision=2),
            _cloud_network("new", revision=1),
        ]
    )

    result = _sweep_by_revision(cloud)

    listing, fetch = cloud.asked
    assert listing["fields"] == ["id", "revision_number"]
    assert sorted(fetch["id"]) == ["changed", "new"]
    assert dict(Network.objects.values_list("pk", "name")) == {
        "unchanged": "blue",
        "changed": "renamed",
        "new": "blue",
        "written-meanwhile": "blue",
    }
    assert result == SyncResult(created=1, updated=1, unchanged=1, deleted=1)


def test_a_revision_sweep_with_nothing_changed_makes_one_call_and_writes_nothing() -> None:
    _mirrored("a", revision=1)
    _mirrored("b", revision=7)
    before = dict(Network.objects.values_list("pk", "synced_at"))
    cloud = RevisionCloud([_cloud_network("a"), _cloud_network("b", revision=7)])

    result = _sweep_by_revision(cloud)

    assert len(cloud.asked) == 1
    assert result == SyncResult(unchanged=2)
    assert dict(Network.objects.values_list("pk", "synced_at")) == before


def test_a_revision_sweep_asks_for_changed_objects_in_batches_the_api_accepts() -> None:
    _mirrored("n-000", revision=0)
    cloud = RevisionCloud([_cloud_network(f"n-{index:03d}") for index in range(ID_BATCH + 1)])

    result = _sweep_by_revision(cloud)

    assert [len(query["id"]) for query in cloud.asked[1:]] == [ID_BATCH, 1]
    assert (result.created, result.updated) == (ID_BATCH, 1)


def test_a_revision_sweep_into_an_empty_mirror_lists_the_whole_objects_once() -> None:
    """Every object is new: a listing of their ids and revisions would only say so."""
    cloud = RevisionCloud([_cloud_network("a"), _cloud_network("b", revision=2)])

    result = _sweep_by_revision(cloud, project_id="p1", page_size=100)

    assert cloud.asked == [{"limit": 100, "project_id": "p1"}]
    assert result == SyncResult(created=2)


def test_a_failed_revision_listing_writes_and_deletes_nothing() -> None:
    _mirrored("kept", revision=1)

    with pytest.raises(CloudTransientError):
        _sweep_by_revision(RevisionCloud([], failing=True))

    assert Network.objects.filter(pk="kept").exists()


def test_an_empty_revision_listing_deletes_only_rows_the_cloud_calls_gone_by_id() -> None:
    """Neutron answering an empty listing (a wrong policy, an empty database) must not empty the
    mirror: each row is read by id first, and only a 404 deletes it."""
    _mirrored("gone", revision=1)
    _mirrored("still-there", revision=1)
    cloud = RevisionCloud([_cloud_network("still-there", revision=2)], empty=True)

    result = _sweep_by_revision(cloud)

    assert set(Network.objects.values_list("pk", flat=True)) == {"still-there"}
    assert Network.objects.get(pk="still-there").revision_number == 2
    assert result == SyncResult(updated=1, deleted=1)
