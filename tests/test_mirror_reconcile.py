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

from dashboard.cloud.errors import CloudNotFound
from dashboard.mirror.reconcile import reconcile_ids, reconcile_listing
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
