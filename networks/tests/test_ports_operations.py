"""Ports created, edited and deleted end to end: API -> Operation -> worker -> Neutron -> mirror,
against the real cloud and a real Celery worker."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import FROM_THE_FORM
from dashboard.testing.waiting import operation_finished
from networks.models import Port
from networks.reconcile import (
    reconcile_networks,
    reconcile_ports,
    reconcile_security_groups,
    reconcile_subnets,
)

pytestmark = [pytest.mark.cloud]


@pytest.fixture
def network(
    tenant_connection: Any, cloud: Any, cleanup: Callable[[Callable[[], Any]], None], db: None
) -> Any:
    """A network of the test's project with subnet 10.50.0.0/24 and a security group "web",
    mirrored."""
    network = tenant_connection.network.create_network(name="ports-net")
    cleanup(lambda: cloud.network.delete_network(network.id, ignore_missing=True))
    subnet = tenant_connection.network.create_subnet(
        network_id=network.id, cidr="10.50.0.0/24", ip_version=4, name="ports-subnet"
    )
    group = tenant_connection.network.create_security_group(name="web")
    cleanup(lambda: cloud.network.delete_security_group(group.id, ignore_missing=True))
    reconcile_networks(conn=cloud, ids=[network.id])
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    reconcile_security_groups(conn=cloud, ids=[group.id])
    return SimpleNamespace(id=network.id, subnet=subnet, group=group)


def test_create_edit_and_delete_a_port(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    network: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    response = signed_in.post(
        "/api/ports/",
        {
            "network_id": network.id,
            "name": "web-port",
            "fixed_ips": ["ports-subnet 10.50.0.10"],
            "security_group_ids": [network.group.id],
            "allowed_address_pairs": "10.50.0.100/32, fa:16:3e:12:34:56",
            "description": "front",
        },
        content_type="application/json",
    )

    created = operation_finished(response.json()["id"])
    assert created.status == Operation.Status.SUCCEEDED, created.error_message
    cleanup(lambda: cloud.network.delete_port(created.result_id, ignore_missing=True))
    port = Port.objects.get(pk=created.result_id)
    assert (port.name, port.description, port.project_id) == (
        "web-port",
        "front",
        account.project.id,
    )
    assert port.fixed_ips == [{"subnet_id": network.subnet.id, "ip_address": "10.50.0.10"}]
    assert port.security_group_ids == [network.group.id]
    assert port.allowed_address_pairs == [
        {"ip_address": "10.50.0.100/32", "mac_address": "fa:16:3e:12:34:56"}
    ]

    edited = operation_finished(
        signed_in.patch(
            f"/api/ports/{port.id}/",
            {
                "name": "plain-port",
                "port_security_enabled": False,
                "security_group_ids": [],
                "allowed_address_pairs": "",
                "admin_state_up": False,
            },
            content_type="application/json",
        ).json()["id"]
    )

    assert edited.status == Operation.Status.SUCCEEDED, edited.error_message
    port.refresh_from_db()
    assert (port.name, port.port_security_enabled, port.admin_state_up) == (
        "plain-port",
        False,
        False,
    )
    assert (port.security_group_ids, port.allowed_address_pairs) == ([], [])
    assert port.fixed_ips == [{"subnet_id": network.subnet.id, "ip_address": "10.50.0.10"}]

    deleted = operation_finished(signed_in.delete(f"/api/ports/{port.id}/").json()["id"])

    assert deleted.status == Operation.Status.SUCCEEDED, deleted.error_message
    assert not Port.objects.filter(pk=port.id).exists()
    assert cloud.network.find_port(port.id) is None


def test_an_address_taken_behind_the_mirrors_back_names_the_port_that_has_it(
    celery_worker: Any, signed_in: Client, tenant_connection: Any, network: Any
) -> None:
    """The mirror does not know the port yet, so the form lets the address through; Neutron's
    409 comes back naming that port, with the request id."""
    holder = tenant_connection.network.create_port(
        network_id=network.id,
        name="early-bird",
        fixed_ips=[{"subnet_id": network.subnet.id, "ip_address": "10.50.0.20"}],
    )
    try:
        response = signed_in.post(
            "/api/ports/", {"network_id": network.id, "name": "late", "fixed_ips": "10.50.0.20"}
        )
        failed = operation_finished(response.json()["id"])
    finally:
        tenant_connection.network.delete_port(holder)

    assert failed.status == Operation.Status.FAILED
    assert failed.error_message.startswith(
        "Could not create port “late”: port “early-bird” has 10.50.0.20: the address is taken. "
        "Choose another address, or give only the subnet to get a free one."
    ), failed.error_message
    assert "(Neutron 409, req-" in failed.error_message
    assert not Port.objects.filter(name="late").exists()


def test_rename_a_port_from_its_page(
    celery_worker: Any,
    signed_in: Client,
    cloud: Any,
    tenant_connection: Any,
    network: Any,
    cleanup: Callable[[Callable[[], Any]], None],
) -> None:
    made = tenant_connection.network.create_port(network_id=network.id, name="before")
    cleanup(lambda: cloud.network.delete_port(made.id, ignore_missing=True))
    reconcile_ports(conn=cloud, ids=[made.id])

    response = signed_in.post(
        f"/network/ports/{made.id}/rename/", {"name": "after"}, headers=FROM_THE_FORM
    )

    assert response.status_code == 200, response.content.decode()
    renamed = operation_finished(Operation.objects.get(target_id=made.id).id)
    assert renamed.status == Operation.Status.SUCCEEDED, renamed.error_message
    assert renamed.action == "networks.port_rename"
    assert cloud.network.get_port(made.id).name == "after"
    assert Port.objects.get(pk=made.id).name == "after"
