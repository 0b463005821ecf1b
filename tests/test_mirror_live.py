"""Live pages: the change counters mirror writes bump, the version endpoint pages poll, and a
detail page whose object left the mirror."""

import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.mirror import live
from dashboard.mirror.models import SyncState
from dashboard.mirror.sync import delete_rows, sync_rows
from dashboard.operations.models import Operation
from dashboard.operations.services import operation_claim, operation_succeed
from dashboard.redis_client import redis_client
from dashboard.testing.fixtures import KeystoneAccount
from instances.models import KeyPair
from networks.models import Network, Port, RBACPolicy, Subnet
from tenants.lifetimes import trial_changed

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIVE_REFRESH = {**HTMX, "X-Live-Refresh": "true"}  # as static/js/live.js reloads a live part
NOW = timezone.now()
Version = Callable[[str], str]


@pytest.fixture(autouse=True)
def _own_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counters of this test's own: concurrent test sessions share the Redis database."""
    monkeypatch.setattr(live, "KEY_PREFIX", f"test-mirror-changes-{secrets.token_hex(6)}:")


@pytest.fixture
def version() -> Version:
    """The version a session of a user (always the same one) in `project_id` sees."""
    user_id = uuid.uuid4().hex
    return lambda project_id: live.versions(project_id=project_id, user_id=user_id).mirror


@pytest.fixture
def committing(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Runs the on-commit bumps of the block (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _network(project_id: str, **fields: Any) -> dict[str, dict[str, Any]]:
    return {"net-" + project_id: {"project_id": project_id, "name": "blue", **fields}}


def test_a_write_moves_its_projects_version_and_an_unchanged_sync_does_not(
    version: Version, committing: Callable[[], Any]
) -> None:
    project = uuid.uuid4().hex
    before = version(project)
    with committing():
        sync_rows(model=Network, observed=_network(project), complete=False)
    created = version(project)
    with committing():
        sync_rows(model=Network, observed=_network(project), complete=False)
    unchanged = version(project)
    with committing():
        sync_rows(model=Network, observed=_network(project, name="green"), complete=False)

    assert before != created
    assert unchanged == created
    assert version(project) != unchanged


def test_counters_starting_again_never_repeat_a_version(
    version: Version, committing: Callable[[], Any]
) -> None:
    """A Redis that lost its keys (restarted without persistence) counts again from nothing: its
    new epoch keeps the versions new, so what a process kept under an old one is not current."""
    project = uuid.uuid4().hex
    with committing():
        sync_rows(model=Network, observed=_network(project), complete=False)
    before = version(project)
    client = redis_client()
    client.delete(*client.scan_iter(f"{live.KEY_PREFIX}*"))
    with committing():
        sync_rows(model=Network, observed=_network(project, name="again"), complete=False)

    assert version(project) != before


def test_a_trials_row_written_moves_its_projects_version(
    version: Version, committing: Callable[[], Any]
) -> None:
    """Pages keep their project's trials per version (`tenants.lifetimes.PROJECT_TRIALS`)."""
    project, other = uuid.uuid4().hex, uuid.uuid4().hex
    before, others = version(project), version(other)
    with committing():
        trial_changed(project_id=project)

    assert version(project) != before
    assert version(other) == others


def test_what_a_process_keeps_per_version_is_read_once_per_version() -> None:
    reads: list[str] = []
    kept = live.VersionedCache[str](size=2)

    def read(value: str) -> Callable[[], str]:
        return lambda: reads.append(value) or value

    assert kept.get("options", "v1", read("first")) == "first"
    assert kept.get("options", "v1", read("unread")) == "first"
    assert kept.get("options", "v2", read("second")) == "second"
    assert kept.get("options", "", read("no version")) == "no version"
    assert kept.get("options", "", read("no version again")) == "no version again"
    kept.get("trials", "v1", read("trials"))  # a third entry: the oldest goes
    assert kept.get("options", "v1", read("read again")) == "read again"
    assert reads == ["first", "second", "no version", "no version again", "trials", "read again"]


def test_a_projects_own_rows_never_move_another_projects_version(
    version: Version, committing: Callable[[], Any]
) -> None:
    mine, theirs = uuid.uuid4().hex, uuid.uuid4().hex
    before = version(mine)
    with committing():
        sync_rows(model=Network, observed=_network(theirs), complete=False)
        sync_rows(model=Network, observed=_network(theirs, name="renamed"), complete=False)
        delete_rows(model=Network, ids=[f"net-{theirs}"])
        sync_rows(
            model=KeyPair,
            observed={"someone:key": {"user_id": "someone", "name": "key"}},
            complete=False,
        )

    assert version(mine) == before
    assert version(theirs) != before


def test_an_administrators_version_follows_every_project_and_their_projects_its_own(
    committing: Callable[[], Any],
) -> None:
    admin_project, other = uuid.uuid4().hex, uuid.uuid4().hex

    def admin_version() -> str:
        return live.versions(project_id=admin_project, user_id="admin", all_projects=True).mirror

    def member_version() -> str:
        return live.versions(project_id=admin_project, user_id="member").mirror

    def admin_project_version() -> str:
        return live.versions(project_id=admin_project, user_id="admin", all_projects=True).project

    admin_before, member_before = admin_version(), member_version()
    admin_project_before = admin_project_version()
    with committing():
        sync_rows(model=Network, observed=_network(other), complete=False)

    assert admin_version() != admin_before
    assert member_version() == member_before
    assert admin_project_version() == admin_project_before


def test_shared_networks_and_their_subnets_move_every_projects_version(
    version: Version, committing: Callable[[], Any]
) -> None:
    owner, other = uuid.uuid4().hex, uuid.uuid4().hex
    network = Network.objects.create(id="shared-net", project_id=owner, shared=True, synced_at=NOW)
    seen = version(other)
    with committing():
        sync_rows(
            model=Subnet,
            observed={
                "sub-1": {"project_id": owner, "network_id": network.pk, "cidr": "10.1.0.0/24"}
                | {"ip_version": 4}
            },
            complete=False,
        )
    after_subnet = version(other)
    with committing():
        # No longer shared: the projects that saw it must see it go.
        sync_rows(model=Network, observed={network.pk: {"shared": False}}, complete=False)
    after_unshare = version(other)
    with committing():
        sync_rows(model=Network, observed={network.pk: {"name": "private-now"}}, complete=False)

    assert seen != after_subnet != after_unshare
    assert version(other) == after_unshare


def test_networks_shared_by_rbac_and_ports_on_ones_networks_move_those_projects_versions(
    version: Version, committing: Callable[[], Any]
) -> None:
    owner, granted, bystander = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    network = Network.objects.create(id="rbac-net", project_id=owner, synced_at=NOW)
    seen = {project: version(project) for project in (owner, granted, bystander)}
    with committing():
        sync_rows(
            model=RBACPolicy,
            observed={
                "rbac-1": {
                    "project_id": owner,
                    "object_type": "network",
                    "object_id": network.pk,
                    "action": "access_as_shared",
                    "target_project_id": granted,
                }
            },
            complete=False,
        )
    after_grant = version(granted)
    with committing():
        sync_rows(model=Network, observed={network.pk: {"name": "renamed"}}, complete=False)
    after_rename = version(granted)
    owner_before_port = version(owner)
    with committing():
        sync_rows(
            model=Port,
            observed={"their-port": {"project_id": granted, "network_id": network.pk}},
            complete=False,
        )

    assert seen[granted] != after_grant != after_rename
    assert version(owner) != owner_before_port
    assert version(bystander) == seen[bystander]


def test_rows_a_complete_listing_deletes_move_their_projects_version(
    version: Version, committing: Callable[[], Any]
) -> None:
    project = uuid.uuid4().hex
    Subnet.objects.create(
        id="gone", project_id=project, ip_version=4, cidr="10.2.0.0/24", synced_at=NOW
    )
    before = version(project)
    with committing():
        sync_rows(model=Subnet, observed={}, scope=None, complete=True)

    assert version(project) != before
    assert not Subnet.objects.filter(project_id=project).exists()


def test_each_step_of_an_operation_moves_its_projects_version(
    version: Version, committing: Callable[[], Any]
) -> None:
    project = uuid.uuid4().hex
    operation = Operation.objects.create(
        action="networks.network_create",
        description="Create network “blue”",
        target_type="network",
        project_id=project,
        user_id="u-1",
        user_name="alice",
    )
    seen = [version(project)]
    with committing():
        claimed = operation_claim(operation_id=str(operation.pk), task_id=str(operation.task_id))
    seen.append(version(project))
    assert claimed is not None
    with committing():
        operation_succeed(operation=claimed)
    seen.append(version(project))
    with committing():
        operation_succeed(operation=claimed)  # already finished: nothing changes

    assert len(set(seen)) == 3
    assert version(project) == seen[-1]


def test_the_freshness_version_follows_the_notes_of_the_groups_asked_for_only() -> None:
    state = SyncState.objects.create(group="networking", last_success_at=timezone.now())
    networking = live.freshness_version(groups={"networking"})
    quotas = live.freshness_version(groups={"quotas"})
    state.last_success_at = timezone.now()  # a sweep ran: the note still says "0 minutes ago"
    state.save()
    assert live.freshness_version(groups={"networking"}) == networking

    state.error = "Neutron is unreachable."
    state.save()

    assert live.freshness_version(groups={"networking"}) != networking
    assert live.freshness_version(groups={"quotas"}) == quotas


def test_a_sweeps_state_written_moves_the_sync_states_version_only(
    committing: Callable[[], Any],
) -> None:
    project, user = uuid.uuid4().hex, uuid.uuid4().hex
    before = live.versions(project_id=project, user_id=user)

    with committing():
        SyncState.objects.create(group="networking", last_success_at=timezone.now())
    written = live.versions(project_id=project, user_id=user)
    with committing():
        SyncState.objects.filter(group="networking").delete()

    assert written.mirror == before.mirror
    assert written.sync_states != before.sync_states
    assert live.versions(project_id=project, user_id=user).sync_states != written.sync_states


def test_the_sync_states_are_read_once_per_version(
    committing: Callable[[], Any], django_assert_num_queries: Any
) -> None:
    def states() -> dict[str, SyncState]:
        version = live.versions(project_id="p", user_id="u").sync_states
        return live.sync_states(version)

    with committing():
        SyncState.objects.create(group="networking", error="Neutron is unreachable.")
    with django_assert_num_queries(1):
        assert states()["networking"].error == "Neutron is unreachable."
        assert states()["networking"].error == "Neutron is unreachable."
    with committing():
        SyncState.objects.filter(group="networking").update(error="")  # no signal, no new version
    with django_assert_num_queries(0):
        assert states()["networking"].error == "Neutron is unreachable."
    with committing():
        SyncState.objects.create(group="servers", last_success_at=timezone.now())
    with django_assert_num_queries(1):
        assert set(states()) == {"networking", "servers"}
        assert states()["networking"].error == ""


@pytest.mark.cloud
@pytest.mark.shared_account
class TestVersionEndpoint:
    url = "/mirror/version/"

    def test_signed_out_gets_401(self, client: Client) -> None:
        assert client.get(self.url).status_code == 401

    def test_204_while_unchanged_then_the_new_version_after_a_change_of_the_project(
        self, signed_in: Client, account: KeystoneAccount, committing: Callable[[], Any]
    ) -> None:
        first = signed_in.get(self.url, {"groups": "networking"}).json()
        assert first["project"] == account.project.id
        known = {"v": first["version"], "f": first["freshness"], "groups": "networking"}
        assert signed_in.get(self.url, known).status_code == 204

        with committing():
            sync_rows(model=Network, observed=_network(uuid.uuid4().hex), complete=False)
        assert signed_in.get(self.url, known).status_code == 204

        with committing():
            sync_rows(model=Network, observed=_network(account.project.id), complete=False)
        changed = signed_in.get(self.url, known)
        assert changed.status_code == 200
        assert changed.json()["version"] != first["version"]
        assert changed.json()["freshness"] == first["freshness"]

    def test_the_freshness_notes_shown_changing_answer_200(
        self, signed_in: Client, committing: Callable[[], Any]
    ) -> None:
        first = signed_in.get(self.url, {"groups": "networking"}).json()
        known = {"v": first["version"], "f": first["freshness"], "groups": "networking"}

        with committing():
            SyncState.objects.create(group="networking", error="Neutron is unreachable.")

        changed = signed_in.get(self.url, known).json()
        assert changed["freshness"] != first["freshness"]
        assert changed["version"] == first["version"]  # the live parts need no reload

    def test_too_many_groups_are_a_400(self, signed_in: Client) -> None:
        groups = ",".join(f"group-{n}" for n in range(20))

        response = signed_in.get(self.url, {"groups": groups})

        assert response.status_code == 400
        assert "at most" in response.json()["error"]

    def test_a_list_page_reads_the_sync_states_once_per_version(self, signed_in: Client) -> None:
        signed_in.get(reverse("networks:network_list"))

        with CaptureQueriesContext(connection) as again:
            page = signed_in.get(reverse("networks:network_list"))

        assert 'data-freshness-group="networking"' in page.content.decode()
        assert not [query for query in again.captured_queries if "mirror_syncstate" in query["sql"]]

    def test_pages_carry_the_version_they_were_read_at(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        current = signed_in.get(self.url).json()["version"]

        page = signed_in.get(reverse("networks:network_list")).content.decode()

        assert f'data-mirror-version="{current}"' in page
        assert f'data-mirror-project="{account.project.id}"' in page


def _page_version(page: str) -> str:
    found = re.search(r'data-mirror-version="([^"]*)"', page)
    assert found, "the page carries no mirror version"
    return found[1]


@pytest.mark.cloud
class TestAnAdministratorsPages:
    """An administrator's pages that list every project follow every project's changes; their
    other pages follow their project's alone, as a member's do, and are not reloaded each time
    any project of the cloud changes."""

    url = "/mirror/version/"

    def test_the_quota_table_follows_every_project_and_a_project_page_only_the_project(
        self, admin_client: Client, committing: Callable[[], Any]
    ) -> None:
        table = admin_client.get(reverse("tenants:admin_quotas")).content.decode()
        networks = admin_client.get(reverse("networks:network_list")).content.decode()
        every = admin_client.get(self.url, {"all": "1"}).json()
        own = admin_client.get(self.url).json()

        assert 'data-mirror-all="1"' in table
        assert "data-mirror-all" not in networks
        assert _page_version(table) == every["version"]
        assert _page_version(networks) == own["version"] != every["version"]

        with committing():
            sync_rows(model=Network, observed=_network(uuid.uuid4().hex), complete=False)

        unmoved = admin_client.get(self.url, {"v": own["version"], "f": own["freshness"]})
        moved = admin_client.get(
            self.url, {"v": every["version"], "f": every["freshness"], "all": "1"}
        )
        assert unmoved.status_code == 204
        assert moved.status_code == 200
        assert moved.json()["version"] != every["version"]

    @pytest.mark.shared_account
    def test_a_member_asking_for_every_project_follows_their_own(
        self, signed_in: Client, committing: Callable[[], Any]
    ) -> None:
        first = signed_in.get(self.url, {"all": "1"}).json()

        with committing():
            sync_rows(model=Network, observed=_network(uuid.uuid4().hex), complete=False)

        known = {"v": first["version"], "f": first["freshness"], "all": "1"}
        assert signed_in.get(self.url, known).status_code == 204


@pytest.mark.cloud
@pytest.mark.shared_account
class TestDeletedUnderAnOpenDetailPage:
    def test_the_live_reload_says_it_was_deleted_outside_the_dashboard(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        network = Network.objects.create(
            id=str(uuid.uuid4()), project_id=account.project.id, name="doomed", synced_at=NOW
        )
        url = reverse("networks:network_detail", args=[network.pk])
        assert signed_in.get(url, headers=HTMX).status_code == 200
        network.delete()

        gone = signed_in.get(url, headers=LIVE_REFRESH)

        assert gone.status_code == 200
        assert gone["X-Object-Gone"] == "true"
        text = gone.content.decode()
        assert "This network no longer exists" in text
        assert "deleted outside the dashboard" in text
        assert reverse("networks:network_list") in text
        assert signed_in.get(url, headers=HTMX).status_code == 404
        assert signed_in.get(url).status_code == 404

    def test_it_names_who_deleted_it_from_the_dashboard(
        self, signed_in: Client, account: KeystoneAccount
    ) -> None:
        floating_ip_id = str(uuid.uuid4())
        url = reverse("networks:floating_ip_detail", args=[floating_ip_id])
        Operation.objects.create(
            action="networks.floating_ip_delete",
            description="Delete floating IP 172.24.4.9",
            target_type="floating_ip",
            target_id=floating_ip_id,
            project_id=account.project.id,
            user_id="u-1",
            user_name="alice",
            status=Operation.Status.SUCCEEDED,
        )

        text = signed_in.get(url, headers=LIVE_REFRESH).content.decode()

        assert "This floating IP no longer exists" in text
        assert "alice deleted it from the dashboard" in text
        assert reverse("networks:floating_ip_list") in text
