"""sync_rows: writes only what changed, deletes only after a complete listing, and never lets an
older observation overwrite a row a targeted pass refreshed meanwhile."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Q, QuerySet
from django.utils import timezone

from dashboard.mirror.sync import sync_rows
from networks.models import Network

pytestmark = pytest.mark.django_db


def test_an_older_listing_does_not_overwrite_a_newer_targeted_update() -> None:
    listing_began = timezone.now() - timedelta(seconds=5)
    Network.objects.create(id="n-1", name="renamed-just-now", synced_at=timezone.now())

    result = sync_rows(
        model=Network,
        observed={"n-1": {"name": "old-name"}},
        scope=Q(synced_at__lt=listing_began),
        complete=True,
        observed_at=listing_began,
    )

    assert Network.objects.get(pk="n-1").name == "renamed-just-now"
    assert (result.updated, result.deleted) == (0, 0)


def test_changed_rows_are_written_and_vanished_ones_deleted_after_a_complete_listing() -> None:
    Network.objects.create(id="n-1", name="before", synced_at=timezone.now())
    Network.objects.create(id="n-2", name="gone", synced_at=timezone.now())

    result = sync_rows(model=Network, observed={"n-1": {"name": "after"}}, complete=True)

    assert Network.objects.get(pk="n-1").name == "after"
    assert not Network.objects.filter(pk="n-2").exists()
    assert (result.updated, result.deleted) == (1, 1)


def test_a_partial_listing_never_deletes() -> None:
    Network.objects.create(id="n-2", name="not-listed", synced_at=timezone.now())

    result = sync_rows(model=Network, observed={}, complete=False)

    assert Network.objects.filter(pk="n-2").exists()
    assert result.deleted == 0


def test_an_older_revision_of_the_object_does_not_overwrite_the_row() -> None:
    """Two listeners fetched the object at revisions 5 and 6; the one with 6 wrote first."""
    Network.objects.create(id="n-1", name="newer", revision_number=6, synced_at=timezone.now())

    late = sync_rows(
        model=Network,
        observed={"n-1": {"name": "older", "revision_number": 5}},
        complete=False,
    )
    newer = sync_rows(
        model=Network,
        observed={"n-1": {"name": "newest", "revision_number": 7}},
        complete=False,
    )

    assert (late.updated, late.unchanged) == (0, 0)
    assert newer.updated == 1
    assert Network.objects.get(pk="n-1").name == "newest"


def test_a_row_another_writer_inserted_meanwhile_is_found_and_updated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another writer (a second listener) committed the row after this write read the table and
    before it inserted: the moment is chosen by hiding the row from the first read. The insert
    fails on the row's id, the write starts over, finds the row and updates it."""
    Network.objects.create(id="n-1", name="theirs", revision_number=1, synced_at=timezone.now())
    read = QuerySet.in_bulk
    reads = []

    def read_before_the_other_writer_committed(self: QuerySet[Any], *args: Any) -> Any:
        reads.append(args)
        return {} if len(reads) == 1 else read(self, *args)

    monkeypatch.setattr(QuerySet, "in_bulk", read_before_the_other_writer_committed)

    result = sync_rows(
        model=Network,
        observed={"n-1": {"name": "ours", "revision_number": 2}},
        complete=False,
    )

    assert len(reads) == 2
    assert (result.created, result.updated) == (0, 1)
    assert Network.objects.get(pk="n-1").name == "ours"
