"""Security groups and rules end to end: API -> Operation -> real worker -> Neutron -> mirror,
against the local cloud."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.cloud.errors import CloudConflict
from dashboard.i18n import Message
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import operation_start
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import operation_finished
from networks.models import SecurityGroup, SecurityGroupRule
from networks.reconcile import reconcile_security_group_rules, reconcile_security_groups
from networks.services.security_groups import (
    security_group_delete,
    security_group_rule_create,
)
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]

JSON = "application/json"


def succeeded(response: Any) -> Operation:
    assert response.status_code == 202, response.content.decode()
    operation = operation_finished(response.json()["id"])
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    return operation


def add_rule(signed_in: Client, group_id: str, **rule: Any) -> SecurityGroupRule:
    data = {"security_group_id": group_id, **rule}
    operation = succeeded(signed_in.post("/api/security-group-rules/", data, content_type=JSON))
    return SecurityGroupRule.objects.get(pk=operation.result_id)


def test_a_group_and_its_rules_from_create_to_delete(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    created = succeeded(
        signed_in.post(
            "/api/security-groups/", {"name": "web", "description": "front"}, content_type=JSON
        )
    )
    group = SecurityGroup.objects.get(pk=created.result_id)
    assert (group.name, group.description, group.project_id) == ("web", "front", account.project.id)
    # Neutron gives a new group its egress rules; they are mirrored with it.
    assert set(group.rules.values_list("direction", flat=True)) == {"egress"}

    ports = add_rule(
        signed_in,
        group.id,
        protocol="tcp",
        port_range_min=8000,
        port_range_max=8080,
        remote_ip_prefix="10.0.0.0/8",
        description="app",
    )
    ping = add_rule(signed_in, group.id, protocol="icmp", port_range_min=8, port_range_max=0)
    peers = add_rule(
        signed_in, group.id, protocol="udp", port_range_min=53, remote_group_id=group.id
    )
    assert (ports.protocol, ports.port_range_min, ports.port_range_max) == ("tcp", 8000, 8080)
    assert (ports.remote_ip_prefix, ports.description) == ("10.0.0.0/8", "app")
    assert (ping.protocol, ping.port_range_min, ping.port_range_max) == ("icmp", 8, 0)
    assert peers.remote_group_id == group.id
    detail = signed_in.get(f"/api/security-groups/{group.id}/").json()
    assert {ports.id, ping.id, peers.id} <= {rule["id"] for rule in detail["rules"]}

    replaced = succeeded(
        signed_in.patch(
            f"/api/security-group-rules/{ports.id}/",
            {"port_range_min": 9000, "port_range_max": 9090},
            content_type=JSON,
        )
    )
    new = SecurityGroupRule.objects.get(pk=replaced.result_id)
    assert new.id != ports.id
    assert (new.port_range_min, new.port_range_max, new.remote_ip_prefix) == (
        9000,
        9090,
        "10.0.0.0/8",
    )
    assert new.description == "app"
    assert not SecurityGroupRule.objects.filter(pk=ports.id).exists()
    assert cloud.network.find_security_group_rule(ports.id) is None

    succeeded(signed_in.delete(f"/api/security-group-rules/{ping.id}/"))
    assert not SecurityGroupRule.objects.filter(pk=ping.id).exists()
    assert cloud.network.find_security_group_rule(ping.id) is None

    succeeded(
        signed_in.patch(f"/api/security-groups/{group.id}/", {"name": "www"}, content_type=JSON)
    )
    group.refresh_from_db()
    assert (group.name, group.description) == ("www", "front")

    succeeded(signed_in.delete(f"/api/security-groups/{group.id}/"))
    assert not SecurityGroup.objects.filter(pk=group.id).exists()
    assert not SecurityGroupRule.objects.filter(security_group_id=group.id).exists()
    assert cloud.network.find_security_group(group.id) is None


def test_editing_a_rule_into_a_copy_of_another_keeps_it_and_names_the_other(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    group = cloud.network.create_security_group(name="edge", project_id=account.project.id)
    ssh = cloud.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
        project_id=account.project.id,
    )
    reconcile_security_groups(conn=cloud, ids=[group.id])
    reconcile_security_group_rules(conn=cloud, ids=[ssh.id])
    # Added behind the dashboard's back: the mirror does not know it, so only Neutron can tell.
    web = cloud.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=80,
        port_range_max=80,
        description="web",
        project_id=account.project.id,
    )

    response = signed_in.put(
        f"/api/security-group-rules/{ssh.id}/",
        {"protocol": "tcp", "port_range_min": 80},
        content_type=JSON,
    )

    operation = operation_finished(response.json()["id"])
    assert operation.status == Operation.Status.FAILED
    message = operation.error_message
    assert message.startswith(
        "Could not add rule “ingress IPv4 TCP 80 from anywhere” in place of rule "
        "“ingress IPv4 TCP 22 from anywhere”, which is unchanged:"
    )
    assert f"already has this rule (rule {web.id}, “web”)" in message
    assert cloud.network.find_security_group_rule(ssh.id) is not None
    assert SecurityGroupRule.objects.filter(pk=ssh.id).exists()
    rules = list(cloud.network.security_group_rules(security_group_id=group.id))
    assert sorted(rule.port_range_min or 0 for rule in rules if rule.direction == "ingress") == [
        22,
        80,
    ]


def test_a_new_description_alone_replaces_the_rule(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    """Neutron takes no two equal rules, so this replacement deletes the old rule first."""
    group = cloud.network.create_security_group(name="notes", project_id=account.project.id)
    rule = cloud.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv6",
        protocol="ipv6-icmp",
        project_id=account.project.id,
    )
    reconcile_security_groups(conn=cloud, ids=[group.id])
    reconcile_security_group_rules(conn=cloud, ids=[rule.id])

    replaced = succeeded(
        signed_in.patch(
            f"/api/security-group-rules/{rule.id}/", {"description": "ping"}, content_type=JSON
        )
    )

    new = SecurityGroupRule.objects.get(pk=replaced.result_id)
    assert (new.ethertype, new.protocol, new.description) == ("IPv6", "ipv6-icmp", "ping")
    assert cloud.network.find_security_group_rule(rule.id) is None


@pytest.mark.django_db
def test_adding_a_rule_twice_for_one_operation_makes_one_rule(
    signed_in: Client, account: KeystoneAccount, cloud: Any, tenant_connection: Any
) -> None:
    group = cloud.network.create_security_group(name="once", project_id=account.project.id)
    rule = {
        "direction": "ingress",
        "ethertype": "IPv4",
        "protocol": "tcp",
        "port_range_min": 443,
        "port_range_max": 443,
        "remote_ip_prefix": "198.51.100.0/24",
        "remote_group_id": None,
        "description": "",
    }
    operation = operation_start(
        actor=KeystoneSession.load(signed_in.session),
        request=OperationRequest(
            service=security_group_rule_create,
            description=Message("Add a rule"),
            target_type="security_group_rule",
            target_name="ingress IPv4 TCP 443 from 198.51.100.0/24",
            params={"security_group_id": group.id, "rule": rule},
        ),
    )

    for _ in range(2):  # a retry after a lost answer, or a redelivered task
        security_group_rule_create(
            conn=tenant_connection, operation=operation, security_group_id=group.id, rule=rule
        )

    made = [
        r
        for r in cloud.network.security_group_rules(security_group_id=group.id)
        if r.port_range_min == 443
    ]
    assert [r.id for r in made] == [operation.result_id]
    assert SecurityGroupRule.objects.filter(pk=operation.result_id).exists()


@pytest.mark.django_db
def test_neutrons_refusals_to_delete_are_explained(
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    tenant_connection: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    """The mirror has neither the default group's name nor the port (both refusals are made
    before starting when it does): Neutron's own answers are translated."""
    default = next(iter(tenant_connection.network.security_groups(name="default")))
    group = cloud.network.create_security_group(name="busy", project_id=account.project.id)
    network = cloud.network.create_network(name="sg-net", project_id=account.project.id)
    cleanup(lambda: cloud.network.delete_network(network))
    port = cloud.network.create_port(
        network_id=network.id, project_id=account.project.id, security_group_ids=[group.id]
    )
    cleanup(lambda: cloud.network.delete_port(port))
    actor = KeystoneSession.load(signed_in.session)

    def delete(group_id: str, name: str) -> str:
        operation = operation_start(
            actor=actor,
            request=OperationRequest(
                service=security_group_delete,
                description=Message("Delete security group “%(name)s”", {"name": name}),
                target_type="security_group",
                target_id=group_id,
                target_name=name,
                params={"security_group_id": group_id},
            ),
        )
        with pytest.raises(CloudConflict) as refused:
            security_group_delete(
                conn=tenant_connection, operation=operation, security_group_id=group_id
            )
        return str(refused.value)

    in_use = delete(group.id, "busy")
    default_refused = delete(default.id, "default")

    assert in_use.startswith("Could not delete security group “busy”: ports still use the")
    assert "(Neutron 409, req-" in in_use
    assert "Neutron keeps a default security group in every project" in default_refused
    assert cloud.network.find_security_group(group.id) is not None


@pytest.mark.django_db
def test_a_retry_adopts_the_rule_its_first_attempt_made_but_a_first_attempt_does_not(
    signed_in: Client, account: KeystoneAccount, cloud: Any, tenant_connection: Any
) -> None:
    """A worker that died between Neutron's answer and recording the id is staged: the rule is
    made directly, then the service runs as the operation's second attempt."""
    group = cloud.network.create_security_group(name="retry", project_id=account.project.id)
    rule = {
        "direction": "egress",
        "ethertype": "IPv4",
        "protocol": "udp",
        "port_range_min": 123,
        "port_range_max": 123,
    }
    operation = operation_start(
        actor=KeystoneSession.load(signed_in.session),
        request=OperationRequest(
            service=security_group_rule_create,
            description=Message("Add a rule"),
            target_type="security_group_rule",
            target_name="egress IPv4 UDP 123 to anywhere",
            params={"security_group_id": group.id, "rule": rule},
        ),
    )
    Operation.objects.filter(pk=operation.pk).update(attempts=1, started_at=timezone.now())
    operation.refresh_from_db()
    made = tenant_connection.network.create_security_group_rule(security_group_id=group.id, **rule)

    with pytest.raises(CloudConflict, match=f"already has this rule \\(rule {made.id}\\)"):
        security_group_rule_create(
            conn=tenant_connection, operation=operation, security_group_id=group.id, rule=rule
        )
    operation.attempts = 2
    security_group_rule_create(
        conn=tenant_connection, operation=operation, security_group_id=group.id, rule=rule
    )

    assert operation.result_id == made.id
    assert [
        r.id
        for r in cloud.network.security_group_rules(security_group_id=group.id)
        if r.port_range_min == 123
    ] == [made.id]
