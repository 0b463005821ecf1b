"""Quotas end to end against the real cloud and a real Celery worker: the Overview's figures
equal the cloud's, an administrator's edit lands in Nova and Neutron (or Keystone's unified
limits) and shows in the tenant's Overview, and the compute defaults change and are restored."""

from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from dashboard.cloud.connection import user_connection
from dashboard.cloud.errors import CloudError
from dashboard.i18n import Message
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import operation_start
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import HTMX
from dashboard.testing.waiting import operation_finished
from instances.reconcile import reconcile_servers
from networks.reconcile import reconcile_all, reconcile_networks
from tenants.models import Quota
from tenants.reconcile import compute_service_id, reconcile_projects, reconcile_quotas
from tenants.services.quotas import project_quotas_update
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]

NETWORK_RESOURCES = [
    "network",
    "subnet",
    "port",
    "router",
    "floatingip",
    "security_group",
    "security_group_rule",
]


def usage_by_resource(client: Client) -> dict[tuple[str, str], tuple[int | None, int]]:
    return {
        (quota["service"], quota["resource"]): (quota["limit"], quota["in_use"])
        for quota in client.get("/api/quotas/").json()["quotas"]
    }


def neutron_usage(cloud: Any, project_id: str) -> dict[tuple[str, str], tuple[int, int]]:
    details = cloud.network.get_quota(project_id, details=True).to_dict(
        computed=False, ignore_none=True, original_names=True
    )
    return {
        ("network", name): (details[name]["limit"], details[name]["used"])
        for name in NETWORK_RESOURCES
    }


@pytest.fixture
def target(
    cloud: Any, account: KeystoneAccount, cleanup: Callable[[Callable[[], Any]], None]
) -> Any:
    """The member account's project, mirrored, its own quotas dropped again after the test."""
    project = account.project
    cleanup(lambda: cloud.network.delete_quota(project.id))
    cleanup(lambda: cloud.compute.revert_quota_set(project.id))
    reconcile_projects(conn=cloud, ids=[project.id])
    reconcile_quotas(conn=cloud, project_id=project.id)
    return project


def no_quota_refresh(project_id: str) -> None:
    """Keep the quota sweep away while a test watches the usage: take the throttle the Overview
    and the quota API ask before re-reading a project's quotas."""
    redis.Redis.from_url(settings.REDIS_URL).set(f"quota-refresh:{project_id}", 1, ex=300)


@pytest.mark.django_db
def test_overview_figures_equal_the_clouds_after_a_network_comes_and_goes(
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    tenant_connection: Any,
) -> None:
    """A network made and deleted outside the dashboard (the CLI) counts as soon as the mirror
    has it (what the notification listener does: a targeted reconcile), without a quota sweep."""
    project_id = account.project.id
    reconcile_all(conn=cloud, project_id=project_id)
    reconcile_servers(conn=cloud, project_id=project_id)
    reconcile_quotas(conn=cloud, project_id=project_id)
    no_quota_refresh(project_id)
    before = usage_by_resource(signed_in)
    assert {k: v for k, v in before.items() if k[0] == "network"} == neutron_usage(
        cloud, project_id
    )
    limit, used = before[("network", "network")]

    network = tenant_connection.network.create_network(name="counted")
    try:
        reconcile_networks(conn=cloud, ids=[network.id])
        during = usage_by_resource(signed_in)
        in_the_cloud = neutron_usage(cloud, project_id)
        page = signed_in.get("/overview/usage/", headers=HTMX).content.decode()
    finally:
        tenant_connection.network.delete_network(network)
    reconcile_networks(conn=cloud, ids=[network.id])
    after = usage_by_resource(signed_in)

    assert {k: v for k, v in during.items() if k[0] == "network"} == in_the_cloud
    assert during[("network", "network")] == (limit, used + 1)
    networks = page.split('id="quota-network_network"')[1].split('id="quota-')[0]
    assert f"{used + 1} / {limit}" in networks
    assert after[("network", "network")] == (limit, used)
    assert {k: v for k, v in after.items() if k[0] == "network"} == neutron_usage(cloud, project_id)
    compute = cloud.compute.get_quota_set(project_id, usage=True)
    assert after[("compute", "instances")] == (compute.instances, compute.usage["instances"])


def test_a_deletion_through_the_dashboard_shows_in_the_usage_without_the_quota_sweep(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    project_id = account.project.id
    reconcile_all(conn=cloud, project_id=project_id)
    reconcile_quotas(conn=cloud, project_id=project_id)
    no_quota_refresh(project_id)
    swept = Quota.objects.get(project_id=project_id, service="network", resource="router")

    def routers_shown() -> str:
        page = signed_in.get("/overview/usage/", headers=HTMX).content.decode()
        bar = page.split('id="quota-network_router"')[1]
        return bar.split('class="quota-figures">')[1].split("</span>")[0]

    created = operation_finished(signed_in.post("/api/routers/", {"name": "counted"}).json()["id"])
    assert created.status == Operation.Status.SUCCEEDED, created.error_message
    with_router = routers_shown()
    deleted = operation_finished(
        signed_in.delete(f"/api/routers/{created.result_id}/").json()["id"]
    )
    assert deleted.status == Operation.Status.SUCCEEDED, deleted.error_message

    assert with_router == f"{swept.in_use + 1} / {swept.limit}"
    assert routers_shown() == f"{swept.in_use} / {swept.limit}"
    assert Quota.objects.get(pk=swept.pk).synced_at == swept.synced_at  # no sweep ran


def test_an_admin_edit_lands_in_nova_and_neutron_and_in_the_tenants_overview(
    celery_worker: Any, admin_client: Client, signed_in: Client, target: Any, cloud: Any
) -> None:
    response = admin_client.post(
        f"/admin/quotas/{target.id}/",
        {"compute_instances": 7, "compute_cores": 13, "network_network": 9, "network_port": 77},
        headers=HTMX,
    )
    assert response.status_code == 200
    operation = operation_finished(Operation.objects.get().pk)

    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    compute = cloud.compute.get_quota_set(target.id)
    network = cloud.network.get_quota(target.id)
    assert (compute.instances, compute.cores) == (7, 13)
    assert (network.networks, network.ports) == (9, 77)
    usage = usage_by_resource(signed_in)
    assert usage[("compute", "instances")][0] == 7
    assert usage[("network", "network")][0] == 9
    page = signed_in.get("/overview/usage/", headers=HTMX).content.decode()
    assert "/ 77</span>" in page.split('id="quota-network_port"')[1]


def test_a_limit_below_usage_is_applied_once_confirmed(
    celery_worker: Any,
    admin_client: Client,
    target: Any,
    cloud: Any,
    tenant_connection: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    network = tenant_connection.network.create_network(name="already-there")
    cleanup(lambda: cloud.network.delete_network(network.id, ignore_missing=True))
    reconcile_networks(conn=cloud, ids=[network.id])  # as the listener does
    reconcile_quotas(conn=cloud, project_id=target.id)
    url = f"/api/admin/quotas/{target.id}/"

    refused = admin_client.patch(url, {"network_network": 0}, content_type="application/json")
    accepted = admin_client.patch(
        url, {"network_network": 0, "confirm_below_usage": True}, content_type="application/json"
    )

    assert refused.status_code == 400
    assert "already uses: networks 0 (1 in use)" in str(refused.json())
    assert accepted.status_code == 202
    operation = operation_finished(accepted.json()["id"])
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert cloud.network.get_quota(target.id).networks == 0
    assert cloud.network.find_network(network.id) is not None


@pytest.mark.django_db
def test_a_network_refusal_after_the_compute_step_says_what_was_applied(
    admin: KeystoneAccount, admin_client: Client, target: Any, cloud: Any
) -> None:
    """Neutron really refuses a limit below -1 (the form never sends one; the service is called
    directly to get a refusal after Nova accepted its part)."""
    keystone = KeystoneSession.load(admin_client.session)
    assert keystone is not None
    params: dict[str, Any] = {
        "project_id": target.id,
        "compute": {"instances": 6},
        "network": {"network": -5},
    }
    operation = operation_start(
        actor=keystone,
        request=OperationRequest(
            service=project_quotas_update,
            description=Message("Set the quotas of project “%(name)s”", {"name": target.name}),
            target_type="project",
            target_id=target.id,
            target_name=target.name,
            params=params,
        ),
    )
    conn = user_connection(token=keystone.token, project_id=keystone.project_id)

    with pytest.raises(CloudError) as refused:
        project_quotas_update(conn=conn, operation=operation, **params)

    message = str(refused.value)
    assert message.startswith(
        f"Compute quotas of project “{target.name}” updated; network quotas not. "
        f"Could not update the network quotas of project “{target.name}”:"
    )
    assert "(Neutron 400, req-" in message
    assert cloud.compute.get_quota_set(target.id).instances == 6


def test_compute_defaults_are_set_and_restored(
    celery_worker: Any,
    admin_client: Client,
    cloud: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    original = cloud.compute.get_quota_class_set("default").server_groups
    cleanup(lambda: cloud.compute.update_quota_class_set("default", server_groups=original))

    response = admin_client.post(
        "/admin/quotas/defaults/", {"compute_server_groups": original + 1}, headers=HTMX
    )
    operation = operation_finished(Operation.objects.get().pk)

    assert response.status_code == 200
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert cloud.compute.get_quota_class_set("default").server_groups == original + 1
    page = admin_client.get("/admin/quotas/defaults/").content.decode()
    assert f'value="{original + 1}"' in page
    assert "Neutron has no API to change its defaults" in page


def test_with_unified_limits_the_edit_goes_to_keystone(
    celery_worker: Any,
    admin_client: Client,
    target: Any,
    cloud: Any,
    nova_registered_limits: dict[str, int],
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    """Nova on the local cloud keeps its own quotas; Keystone's limits API is real all the same,
    so this checks what the dashboard writes there (Nova would read it with unified limits)."""
    service_id = compute_service_id(conn=cloud)

    def drop_project_limits() -> None:
        for limit in cloud.identity.limits(service_id=service_id, project_id=target.id):
            cloud.identity.delete_limit(limit)

    cleanup(drop_project_limits)
    url = f"/api/admin/quotas/{target.id}/"

    for value in (4, 5):  # created, then updated in place
        response = admin_client.patch(
            url, {"compute_instances": value}, content_type="application/json"
        )
        operation = operation_finished(response.json()["id"])
        assert operation.status == Operation.Status.SUCCEEDED, operation.error_message

    limits = list(cloud.identity.limits(service_id=service_id, project_id=target.id))
    assert [(limit.resource_name, limit.resource_limit) for limit in limits] == [("servers", 5)]
    page = admin_client.get(f"/admin/quotas/{target.id}/").content.decode()
    assert "Keystone's unified limits" in page
