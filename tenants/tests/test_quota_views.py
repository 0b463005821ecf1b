"""Quota pages and API from the mirror: the Overview's usage panel, the reusable headroom check,
the administrators' table, edit and defaults pages, and their refusal to everyone else."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.mirror.live import mirror_changed
from dashboard.mirror.scopes import project_scope
from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import FROM_THE_FORM, HTMX
from instances.factories import ServerFactory
from networks.factories import FloatingIPFactory, NetworkFactory, PortFactory, RouterFactory
from tenants.factories import ProjectFactory, quotas_for
from tenants.models import QuotaDefault
from tenants.quotas import require_quota
from tenants.selectors.quotas import Headroom, quota_headroom
from tenants.tasks import quota_refresh_soon

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

ADMIN_PAGES = ["/admin/quotas/", "/admin/quotas/defaults/"]


@pytest.fixture
def admin_client(client: Client, make_account: Callable[..., KeystoneAccount]) -> Client:
    """The test client signed in as a user with Keystone's admin role."""
    admin = make_account(roles=("admin",))
    response = client.post("/auth/login/", admin.credentials())
    assert response.status_code == 302
    return client


# ---- overview ---------------------------------------------------------------------------------


def test_overview_lazy_loads_its_usage_and_reloads_it(signed_in: Client) -> None:
    page = signed_in.get("/").content.decode()

    assert 'hx-get="/overview/usage/"' in page
    assert "every 10s" in page
    assert "networks:changed from:body" in page


def test_overview_usage_shows_limits_colours_and_counts_from_the_mirror(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project_id = account.project.id
    # The rows' use is what the last quota sweep read; the mirror's own rows are newer.
    quotas_for(
        project_id,
        network_network=(2, 0),
        network_port=(10, 0),
        network_router=(-1, 0),
        compute_instances=(10, 7),
        compute_key_pairs=(100, 3),
    )
    quotas_for("another-project", network_network=(5, 1))
    networks = NetworkFactory.create_batch(2, project_id=project_id)
    PortFactory.create_batch(9, project_id=project_id, network=networks[0])
    RouterFactory.create_batch(3, project_id=project_id)
    NetworkFactory(project_id="another-project")
    ServerFactory(project_id=project_id, status="ACTIVE")
    ServerFactory(project_id=project_id, status="SHUTOFF")
    FloatingIPFactory(project_id=project_id, floating_network=None)

    page = signed_in.get("/overview/usage/", headers=HTMX).content.decode()

    assert "<html" not in page
    networks = page.split('id="quota-network_network"')[1].split('id="quota-')[0]
    assert "2 / 2" in networks
    assert "usage-fill-danger" in networks
    ports = page.split('id="quota-network_port"')[1].split('id="quota-')[0]
    assert "9 / 10" in ports
    assert "usage-fill-warning" in ports
    routers = page.split('id="quota-network_router"')[1].split('id="quota-')[0]
    assert "3 / unlimited" in routers
    assert "usage-fill" not in routers
    instances = page.split('id="quota-compute_instances"')[1].split('id="quota-')[0]
    assert "2 / 10" in instances
    assert "usage-fill-success" in instances
    assert "3 / 100" in page.split('id="quota-compute_key_pairs"')[1].split('id="quota-')[0]
    assert "not synced yet" in page.split('id="quota-compute_cores"')[1].split('id="quota-')[0]
    assert '<div class="fs-4" id="running-instances">1</div>' in page
    assert '<div class="fs-4" id="allocated-floating-ips">1</div>' in page
    assert "1 / 5" not in page


def test_a_watched_overview_refreshes_its_quotas_at_most_every_10_seconds() -> None:
    project_id = uuid.uuid4().hex

    assert quota_refresh_soon(project_id=project_id) is True
    assert quota_refresh_soon(project_id=project_id) is False


def test_quota_api_gives_the_session_projects_usage(
    signed_in: Client, account: KeystoneAccount
) -> None:
    quotas_for(account.project.id, network_network=(10, 0))
    quotas_for("another-project", network_network=(5, 1))
    NetworkFactory.create_batch(4, project_id=account.project.id)

    body = signed_in.get("/api/quotas/").json()

    assert body["project_id"] == account.project.id
    networks = next(q for q in body["quotas"] if q["resource"] == "network")
    assert (networks["limit"], networks["in_use"], networks["percent"]) == (10, 4, 40)
    assert len(body["quotas"]) == 12


# ---- headroom and the form helper -------------------------------------------------------------


def test_headroom_and_the_form_helper_refuse_what_cannot_fit() -> None:
    quotas_for("p", network_network=(10, 0), compute_cores=(20, 0), network_port=(-1, 0))
    network = NetworkFactory(project_id="p")
    NetworkFactory.create_batch(9, project_id="p")
    ServerFactory(project_id="p", vcpus=18)
    PortFactory.create_batch(5, project_id="p", network=network)

    assert quota_headroom(project_id="p", service="network", resource="network") == Headroom(
        10, 10, 0
    )
    assert quota_headroom(project_id="p", service="network", resource="port") == Headroom(
        None, 5, None
    )
    assert quota_headroom(project_id="p", service="network", resource="router").left is None
    with pytest.raises(forms.ValidationError) as full:
        require_quota(project_id="p", service="network", resource="network")
    assert full.value.messages == [
        "You have used 10 of 10 networks; delete one or ask an administrator for a larger "
        "quota. See the Overview."
    ]
    with pytest.raises(forms.ValidationError) as too_big:
        require_quota(project_id="p", service="compute", resource="cores", adding=4)
    assert "needs 4 vCPUs, but only 2 of your 20 are left" in too_big.value.messages[0]
    require_quota(project_id="p", service="compute", resource="cores", adding=2)
    require_quota(project_id="p", service="network", resource="port", adding=1000)


# ---- administrators ---------------------------------------------------------------------------


def test_members_are_refused_the_admin_pages_and_api_and_do_not_see_the_menu(
    signed_in: Client,
) -> None:
    project = ProjectFactory()
    quotas_for(project.id, network_network=(10, 1))

    assert 'href="/admin/quotas/"' not in signed_in.get("/").content.decode()
    for url in [*ADMIN_PAGES, f"/admin/quotas/{project.id}/"]:
        assert signed_in.get(url).status_code == 403, url
    assert signed_in.post(f"/admin/quotas/{project.id}/", {"network_network": 1}).status_code == (
        403
    )
    assert signed_in.get("/api/admin/quotas/").status_code == 403
    assert signed_in.get(f"/api/admin/quotas/{project.id}/").status_code == 403
    response = signed_in.put(
        f"/api/admin/quotas/{project.id}/", {"network_network": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Operation.objects.exists()


def test_a_reader_gets_no_quota_change_buttons_and_403_from_an_api_write(
    make_account: Callable[..., KeystoneAccount], client: Client
) -> None:
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    project = ProjectFactory()
    quotas_for(project.id, network_network=(10, 1))

    overview = client.get("/").content.decode()
    response = client.patch(
        f"/api/admin/quotas/{project.id}/", {"network_network": 1}, content_type="application/json"
    )

    assert 'href="/admin/quotas/"' not in overview
    assert client.get(f"/admin/quotas/{project.id}/").status_code == 403
    assert response.status_code == 403
    assert not Operation.objects.exists()


def test_admin_table_lists_every_project_filters_near_limit_and_sorts(
    admin_client: Client, django_assert_max_num_queries: Any
) -> None:
    calm, busy, full = (ProjectFactory(name=name) for name in ("calm", "busy", "full"))
    quotas_for(calm.id, compute_instances=(10, 0), network_network=(100, 0))
    quotas_for(busy.id, compute_instances=(10, 0), network_network=(100, 0))
    quotas_for(full.id, compute_cores=(20, 0), network_port=(-1, 0))
    ServerFactory(project_id=calm.id)
    ServerFactory.create_batch(8, project_id=busy.id, vcpus=1)
    ServerFactory(project_id=full.id, vcpus=20)
    for n in range(30):
        quotas_for(ProjectFactory(name=f"zz-{n:02}").id, network_network=(100, n))

    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/quotas/").content.decode()
    near = admin_client.get("/admin/quotas/?near_limit=true", headers=HTMX).content.decode()
    named = admin_client.get("/admin/quotas/?q=bus", headers=HTMX).content.decode()
    fullest = admin_client.get("/admin/quotas/?sort=-highest_use", headers=HTMX).content.decode()

    assert "33 in all" in page
    assert f'href="/admin/quotas/{calm.id}/"' in page
    assert "8 / 10" in page
    assert "Nova's own quotas" in page
    assert "busy" in near
    assert "full" in near
    assert "calm" not in near
    assert "busy" in named
    assert "calm" not in named
    assert fullest.index(">full<") < fullest.index(">busy<") < fullest.index(">calm<")


def test_admin_table_pages_are_read_once_per_mirror_version(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """A full page of the table is kept under the administrator's mirror version (every
    project's): loaded again unchanged, it reads no quota; once the mirror changed, it does."""
    busy = ProjectFactory(name="busy")
    quotas_for(busy.id, compute_instances=(10, 0))
    ServerFactory(project_id=busy.id)
    admin_client.get("/admin/quotas/")

    with CaptureQueriesContext(connection) as again:
        kept = admin_client.get("/admin/quotas/").content.decode()
    ServerFactory(project_id=busy.id)
    with django_capture_on_commit_callbacks(execute=True):
        mirror_changed(scopes={project_scope(busy.id)})
    moved = admin_client.get("/admin/quotas/").content.decode()

    assert not [query for query in again if "tenants_quota" in query["sql"]]
    assert "1 / 10" in kept
    assert "2 / 10" in moved


def test_admin_table_filtered_to_nothing_says_nothing_matches(admin_client: Client) -> None:
    """No project near a limit: the table says the filter matched none, not that no quotas are
    mirrored."""
    quotas_for(ProjectFactory(name="calm").id, compute_instances=(10, 0))

    near = admin_client.get("/admin/quotas/?near_limit=true", headers=HTMX).content.decode()

    assert "Nothing matches these filters." in near
    assert "mirrored yet" not in near


def test_admin_api_lists_filters_and_refuses_invalid_limits(admin_client: Client) -> None:
    busy, calm = ProjectFactory(name="busy"), ProjectFactory(name="calm")
    quotas_for(busy.id, compute_instances=(10, 0))
    quotas_for(calm.id, compute_instances=(10, 0))
    ServerFactory.create_batch(9, project_id=busy.id)
    ServerFactory(project_id=calm.id)

    listed = admin_client.get("/api/admin/quotas/?near_limit=true").json()
    one = admin_client.get(f"/api/admin/quotas/{calm.id}/").json()
    invalid = admin_client.patch(
        f"/api/admin/quotas/{calm.id}/", {"network_port": -2}, content_type="application/json"
    )
    empty = admin_client.put(f"/api/admin/quotas/{calm.id}/", {}, content_type="application/json")

    assert [row["project_name"] for row in listed["results"]] == ["busy"]
    assert listed["results"][0]["usage"]["compute_instances"] == {"limit": 10, "in_use": 9}
    assert (one["project_id"], one["highest_use"]) == (calm.id, 10)
    assert invalid.status_code == 400
    assert "network_port" in invalid.json()
    assert empty.status_code == 400
    assert "Give at least one limit" in str(empty.json())
    assert admin_client.get("/api/admin/quotas/unknown/").status_code == 404
    assert not Operation.objects.exists()


def test_a_limit_below_usage_needs_confirmation(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(name="crowded")
    quotas_for(project.id, compute_instances=(10, 0), network_network=(10, 0))
    ServerFactory.create_batch(3, project_id=project.id)
    NetworkFactory.create_batch(2, project_id=project.id)
    url = f"/admin/quotas/{project.id}/"

    form = admin_client.get(url).content.decode()
    refused = admin_client.post(
        url, {"compute_instances": 2, "network_network": 10}, headers=FROM_THE_FORM
    )

    assert 'value="10"' in form
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "already uses: instances 2 (3 in use)" in body
    assert "existing instances keep running" in body
    assert 'name="confirm_below_usage"' in body
    assert not Operation.objects.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        started = admin_client.post(
            url,
            {"compute_instances": 2, "network_network": 10, "confirm_below_usage": "on"},
            headers=HTMX,
        )

    assert started.status_code == 200
    operation = Operation.objects.get()
    assert operation.action == "tenants.project_quotas_update"
    assert operation.params == {
        "project_id": project.id,
        "compute": {"instances": 2},
        "network": {"network": 10},
        "force": True,
    }
    assert len(callbacks) == 1


def test_an_api_limit_below_usage_needs_confirmation_too(admin_client: Client) -> None:
    project = ProjectFactory()
    quotas_for(project.id, network_network=(10, 0))
    NetworkFactory.create_batch(2, project_id=project.id)
    url = f"/api/admin/quotas/{project.id}/"

    refused = admin_client.patch(url, {"network_network": 1}, content_type="application/json")
    accepted = admin_client.patch(
        url, {"network_network": 1, "confirm_below_usage": True}, content_type="application/json"
    )

    assert refused.status_code == 400
    assert "confirm_below_usage" in refused.json()
    assert accepted.status_code == 202
    assert accepted.json()["action"] == "tenants.project_quotas_update"


def test_defaults_page_edits_compute_and_shows_network_read_only(admin_client: Client) -> None:
    for service, resource, limit in (("compute", "instances", 10), ("network", "network", 100)):
        QuotaDefault.objects.create(
            id=f"{service}:{resource}",
            service=service,
            resource=resource,
            limit=limit,
            synced_at="2026-01-01T00:00Z",
        )

    page = admin_client.get("/admin/quotas/defaults/").content.decode()

    assert 'name="compute_instances"' in page
    assert 'value="10"' in page
    assert 'name="network_network"' not in page
    assert "Neutron has no API to change its defaults" in page
    assert "<td>100</td>" in page
