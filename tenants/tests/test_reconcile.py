"""Reconcile of Keystone projects and of Nova and Neutron quotas against the real local cloud.

Each test acts in a fresh Keystone project (the `account` fixture) and removes what it made.
"""

import uuid
from typing import Any

import pytest
from django.utils import timezone

from dashboard.testing.fixtures import KeystoneAccount
from tenants.models import Project, Quota, QuotaDefault
from tenants.reconcile import reconcile_projects, reconcile_quota_defaults, reconcile_quotas

pytestmark = [pytest.mark.cloud, pytest.mark.django_db]


def quota_row(*, project_id: str, service: str, resource: str, limit: int = 10) -> Quota:
    return Quota.objects.create(
        id=f"{project_id}:{service}:{resource}",
        project_id=project_id,
        service=service,
        resource=resource,
        limit=limit,
        synced_at=timezone.now(),
    )


def quotas_of(project_id: str, service: str) -> dict[str, tuple[int, int, int]]:
    return {
        quota.resource: (quota.limit, quota.in_use, quota.reserved)
        for quota in Quota.objects.filter(project_id=project_id, service=service)
    }


def test_projects_include_the_accounts_project_and_a_second_sweep_updates_nothing(
    cloud: Any, account: KeystoneAccount
) -> None:
    reconcile_projects(conn=cloud)

    row = Project.objects.get(pk=account.project.id)
    assert (row.name, row.project_id, row.domain_id) == (
        account.project.name,
        account.project.id,
        "default",
    )
    assert row.enabled is True
    assert row.parent_id == "default"
    # Other sessions may create or delete projects meanwhile; none changes an existing one.
    assert reconcile_projects(conn=cloud).updated == 0


def test_targeted_project_reconcile_follows_a_change_and_a_deletion(cloud: Any) -> None:
    project = cloud.identity.create_project(
        name=f"test-mirror-{uuid.uuid4().hex[:8]}", domain_id="default", description="before"
    )
    try:
        reconcile_projects(conn=cloud, ids=[project.id])
        assert Project.objects.get(pk=project.id).description == "before"

        cloud.identity.update_project(project, description="after", is_enabled=False)
        changed = reconcile_projects(conn=cloud, ids=[project.id])
        assert changed.updated == 1
        row = Project.objects.get(pk=project.id)
        assert (row.description, row.enabled) == ("after", False)
    finally:
        cloud.identity.delete_project(project, ignore_missing=True)

    gone = reconcile_projects(conn=cloud, ids=[project.id])
    assert gone.deleted == 1
    assert not Project.objects.filter(pk=project.id).exists()


def test_quotas_equal_the_clouds_and_follow_network_usage(
    cloud: Any, tenant_connection: Any, account: KeystoneAccount
) -> None:
    project_id = account.project.id

    reconcile_quotas(conn=cloud, project_id=project_id)

    compute = cloud.compute.get_quota_set(project_id, usage=True)
    assert quotas_of(project_id, "compute") == {
        resource: (getattr(compute, resource), used, compute.reservation[resource])
        for resource, used in compute.usage.items()
    }
    assert {"cores", "instances", "ram", "key_pairs"} <= quotas_of(project_id, "compute").keys()
    network = cloud.network.get_quota(project_id, details=True).to_dict(
        computed=False, ignore_none=True, original_names=True
    )
    assert quotas_of(project_id, "network") == {
        resource: (value["limit"], value["used"], value["reserved"])
        for resource, value in network.items()
        if isinstance(value, dict) and "limit" in value
    }
    networks_before = quotas_of(project_id, "network")["network"]
    assert reconcile_quotas(conn=cloud, project_id=project_id).updated == 0

    created = tenant_connection.network.create_network(name="quota-net")
    try:
        reconcile_quotas(conn=cloud, project_id=project_id, services=["network"])
    finally:
        tenant_connection.network.delete_network(created, ignore_missing=True)
    limit, in_use, reserved = quotas_of(project_id, "network")["network"]
    assert (limit, in_use, reserved) == (networks_before[0], networks_before[1] + 1, 0)


def test_project_scoped_quota_sweep_deletes_only_within_its_project_and_services(
    cloud: Any, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    stale_here = quota_row(project_id=project_id, service="compute", resource="retired_thing")
    stale_other_service = quota_row(project_id=project_id, service="network", resource="old")
    elsewhere = quota_row(project_id=uuid.uuid4().hex, service="compute", resource="cores")

    reconcile_quotas(conn=cloud, project_id=project_id, services=["compute"])

    assert not Quota.objects.filter(pk=stale_here.pk).exists()
    assert Quota.objects.filter(pk=stale_other_service.pk).exists()
    assert Quota.objects.filter(pk=elsewhere.pk).exists()


def test_quota_sweep_of_every_project_drops_the_rows_of_vanished_projects(
    cloud: Any, account: KeystoneAccount
) -> None:
    vanished = quota_row(project_id=uuid.uuid4().hex, service="network", resource="network")

    reconcile_quotas(conn=cloud)

    assert not Quota.objects.filter(pk=vanished.pk).exists()
    assert quotas_of(account.project.id, "compute")
    assert quotas_of(account.project.id, "network")


def test_default_quotas_equal_the_clouds_and_a_second_sweep_changes_nothing(cloud: Any) -> None:
    retired = QuotaDefault.objects.create(
        id="compute:retired",
        service="compute",
        resource="retired",
        limit=1,
        synced_at=timezone.now(),
    )

    reconcile_quota_defaults(conn=cloud)

    defaults = {(d.service, d.resource): d.limit for d in QuotaDefault.objects.all()}
    nova = cloud.compute.get_quota_class_set("default")
    neutron = cloud.network.get_quota_default(cloud.current_project_id)
    assert defaults[("compute", "instances")] == nova.instances
    assert defaults[("compute", "ram")] == nova.ram
    assert defaults[("network", "network")] == neutron.networks
    assert defaults[("network", "floatingip")] == neutron.floating_ips
    assert not QuotaDefault.objects.filter(pk=retired.pk).exists()
    assert reconcile_quota_defaults(conn=cloud).updated == 0
