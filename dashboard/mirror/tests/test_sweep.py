"""Sweeps run one at a time, and their outcome tells pages whether the mirror is behind."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from keystoneauth1 import exceptions as ksa_exceptions

from dashboard.cloud.errors import translate
from dashboard.i18n import gettext_noop
from dashboard.mirror.models import SyncState
from dashboard.mirror.sweep import run_sweep, sweep_lock, sync_freshness
from dashboard.mirror.sync import SyncResult

pytestmark = pytest.mark.django_db
INTERVAL = timedelta(seconds=30)


UNREACHABLE = (
    "Could not list Neutron's extensions: Neutron cannot be reached. Try again later, or ask "
    "the cloud's operators whether it is down."
)
UNREACHABLE_IN_CHINESE = (
    "无法列出 Neutron 的扩展：无法连接到 Neutron。请稍后重试，或询问云运维人员它是否已停止服务。"
)


def unreachable() -> dict[str, SyncResult]:
    """Stands in for a sweep against a Neutron that is down (tested for real in reconcile):
    keystoneauth's failure, translated as every cloud call's is."""
    raise translate(
        ksa_exceptions.ConnectFailure("Connection refused"),
        doing=gettext_noop("list Neutron's extensions"),
        service="Neutron",
    )


def test_a_successful_sweep_is_recorded() -> None:
    results = run_sweep(group="tests", sweep=lambda: {"networks": SyncResult(created=1)})

    assert results == {"networks": SyncResult(created=1)}
    freshness = sync_freshness(group="tests", interval=INTERVAL)
    assert not freshness.is_behind
    assert freshness.last_success_at is not None


def test_a_failed_sweep_marks_the_mirror_behind_with_the_reason() -> None:
    run_sweep(group="tests", sweep=lambda: {})

    assert run_sweep(group="tests", sweep=unreachable) is None

    freshness = sync_freshness(group="tests", interval=INTERVAL)
    assert freshness.is_behind
    assert freshness.error == UNREACHABLE
    assert freshness.last_success_at is not None
    with translation.override("zh-hans"):
        assert sync_freshness(group="tests", interval=INTERVAL).error == UNREACHABLE_IN_CHINESE
        # What code and logs read stays English whoever reads it.
        assert SyncState.objects.get(group="tests").error == UNREACHABLE


def test_a_sweep_that_succeeds_again_clears_the_error() -> None:
    run_sweep(group="tests", sweep=unreachable)

    run_sweep(group="tests", sweep=lambda: {})

    state = SyncState.objects.get(group="tests")
    assert (state.error, state.error_json) == ("", None)
    assert sync_freshness(group="tests", interval=INTERVAL).error == ""


def test_missed_intervals_mark_the_mirror_behind() -> None:
    SyncState.objects.create(group="tests", last_success_at=timezone.now() - 4 * INTERVAL)

    assert sync_freshness(group="tests", interval=INTERVAL).is_behind
    assert sync_freshness(group="never-synced", interval=INTERVAL).is_behind


def test_only_one_sweep_of_a_group_runs_at_a_time() -> None:
    held = sweep_lock(group="tests", project_id=None)
    assert held.acquire(blocking=False)
    try:
        assert run_sweep(group="tests", sweep=lambda: {}) is None
    finally:
        held.release()
    assert run_sweep(group="tests", sweep=lambda: {}) == {}


@pytest.mark.cloud
def test_list_pages_warn_when_the_cloud_cannot_be_synced(signed_in: Client) -> None:
    run_sweep(group="networking", sweep=unreachable)

    page = signed_in.get("/network/networks/").content.decode()

    assert "cannot sync with the cloud right now" in page
    assert "Neutron cannot be reached" in page
    chinese = signed_in.get("/network/networks/", headers={"Accept-Language": "zh-hans"})
    assert f"控制台目前无法与云端同步：{UNREACHABLE_IN_CHINESE}" in chinese.content.decode()
