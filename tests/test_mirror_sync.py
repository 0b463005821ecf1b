"""sync_rows: writes only what changed, deletes only after a complete listing, and never lets an
older observation overwrite a row a targeted pass refreshed meanwhile."""

from datetime import timedelta

import pytest
from django.db.models import Q
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
