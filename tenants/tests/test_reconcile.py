"""Reconcile of Keystone projects and of Nova and Neutron quotas against the real local cloud.

Each test acts in a fresh Keystone project (the `account` fixture) and removes what it made.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from dashboard.testing.fixtures import KeystoneAccount
from tenants.models import Project, Quota, QuotaDefault
from tenants.reconcile import (
    compute_quotas_due,
    compute_service_id,
    reconcile_every_quota,
    reconcile_projects,
    reconcile_quota_defaults,
    reconcile_quotas,
)

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


def test_quotas_equal_the_clouds_limits_and_novas_usage(
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
    # Network use is counted from the mirror's rows (tenants.usage), so only limits are kept.
    network = cloud.network.get_quota(project_id).to_dict(
        computed=False, ignore_none=True, original_names=True
    )
    expected = {
        resource: (limit, 0, 0)
        for resource, limit in network.items()
        if isinstance(limit, int) and not isinstance(limit, bool)
    }
    assert quotas_of(project_id, "network") == expected
    assert {"network", "port", "floatingip", "security_group_rule"} <= expected.keys()
    assert reconcile_quotas(conn=cloud, project_id=project_id).updated == 0


def test_a_sweep_of_every_project_reads_network_limits_in_one_listing(
    cloud: Any, account: KeystoneAccount
) -> None:
    """Neutron lists the projects whose limits differ from the defaults; the rest have those."""
    project_id = account.project.id
    cloud.network.update_quota(project_id, networks=7)
    try:
        reconcile_quotas(conn=cloud, services=["network"])
    finally:
        cloud.network.delete_quota(project_id, ignore_missing=True)
    default = cloud.network.get_quota_default(project_id)

    assert quotas_of(project_id, "network")["network"] == (7, 0, 0)
    others = Quota.objects.filter(service="network", resource="network").exclude(
        project_id=project_id
    )
    assert others.exists()
    listed = {quota.project_id: quota.networks for quota in cloud.network.quotas()}
    for row in others:
        assert row.limit == listed.get(row.project_id, default.networks), row.project_id


def test_a_rolling_sweep_reads_unread_projects_and_the_oldest_few_compute_quotas(
    cloud: Any, account: KeystoneAccount
) -> None:
    project_ids = [project.id for project in cloud.identity.projects()]
    reconcile_quotas(conn=cloud, services=["compute"])  # every project, once
    assert Quota.objects.filter(project_id=account.project.id).exists()
    long_ago = timezone.now() - timedelta(hours=1)
    # Two projects the sweep read (not one deleted since it was listed), other than the one
    # "never read" below.
    read = set(Quota.objects.filter(service="compute").values_list("project_id", flat=True))
    oldest = sorted(read & set(project_ids) - {account.project.id})[:2]
    Quota.objects.filter(project_id__in=oldest).update(synced_at=long_ago)
    Quota.objects.filter(project_id=account.project.id).delete()  # as if never read

    due = compute_quotas_due(project_ids=project_ids, at_most=2)
    reconcile_quotas(conn=cloud, services=["compute"], compute_projects_at_most=2)

    # Projects made by other tests meanwhile are unread too.
    assert account.project.id in due[:-2]
    assert sorted(due[-2:]) == oldest
    read_now = Quota.objects.filter(synced_at__gt=long_ago + timedelta(minutes=30))
    assert account.project.id in set(read_now.values_list("project_id", flat=True))
    assert not Quota.objects.filter(project_id__in=oldest, synced_at=long_ago).exists()


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


def test_under_unified_limits_each_sweep_takes_every_projects_compute_limits_from_keystone(
    cloud: Any,
    account: KeystoneAccount,
    nova_registered_limits: dict[str, int],
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    """A project limit set outside the dashboard shows with the next rolling sweep, though that
    reads no project from Nova (all were read already), and the registered limits stand for the
    projects that have none; the default quotas are the registered limits too."""
    project_id = account.project.id
    service_id = compute_service_id(conn=cloud)
    reconcile_quotas(conn=cloud, services=["compute"])  # every project read from Nova once
    registered_instances = nova_registered_limits["servers"]
    assert quotas_of(project_id, "compute")["instances"][0] == registered_instances
    assert quotas_of(project_id, "compute")["cores"][0] == nova_registered_limits["class:VCPU"]
    _, in_use, reserved = quotas_of(project_id, "compute")["instances"]

    limit = cloud.identity.create_limit(
        service_id=service_id, project_id=project_id, resource_name="servers", resource_limit=3
    )
    cleanup(lambda: cloud.identity.delete_limit(limit))
    # As beat sweeps, with no project's compute quotas read from Nova.
    changed = reconcile_every_quota(conn=cloud, compute_projects_at_most=0)

    assert changed["quotas"].updated == 1
    assert quotas_of(project_id, "compute")["instances"] == (3, in_use, reserved)
    others = Quota.objects.filter(service="compute", resource="instances").exclude(
        project_id=project_id
    )
    assert others.exists()
    listed = {
        each.project_id: each.resource_limit
        for each in cloud.identity.limits(service_id=service_id, resource_name="servers")
    }
    for row in others:
        assert row.limit == listed.get(row.project_id, registered_instances), row.project_id
    assert QuotaDefault.objects.get(pk="compute:instances").limit == registered_instances
    assert (
        QuotaDefault.objects.get(pk="compute:cores").limit == nova_registered_limits["class:VCPU"]
    )
