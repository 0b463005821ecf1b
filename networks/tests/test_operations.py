"""Networks created and deleted end to end: API -> Operation -> worker -> Neutron -> mirror,
against the real cloud and a real Celery worker (floating IPs: test_floating_ips_operations)."""

from typing import Any

import pytest
from django.test import Client

from dashboard.i18n import Message
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import operation_start
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import operation_finished
from networks.models import Network
from networks.reconcile import reconcile_networks
from networks.services.common import operation_tag
from networks.services.networks import network_create
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]


def test_create_and_delete_a_network(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    response = signed_in.post("/api/networks/", {"name": "blue"})

    assert response.status_code == 202
    assert response["Location"] == f"/api/operations/{response.json()['id']}/"
    created = operation_finished(response.json()["id"])
    assert created.status == Operation.Status.SUCCEEDED, created.error_message
    network = Network.objects.get(pk=created.result_id)
    assert (network.name, network.project_id) == ("blue", account.project.id)
    assert operation_tag(created) in cloud.network.get_network(network.id).tags
    listed = signed_in.get("/api/networks/").json()["results"]
    assert network.id in [item["id"] for item in listed]

    response = signed_in.delete(f"/api/networks/{network.id}/")

    assert response.status_code == 202
    deleted = operation_finished(response.json()["id"])
    assert deleted.status == Operation.Status.SUCCEEDED, deleted.error_message
    assert not Network.objects.filter(pk=network.id).exists()
    assert cloud.network.find_network(network.id) is None


def test_a_refusal_from_neutron_is_shown_with_its_reason(
    celery_worker: Any, signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    network = cloud.network.create_network(name="busy", project_id=account.project.id)
    port = cloud.network.create_port(network_id=network.id, device_owner="compute:nova")
    try:
        reconcile_networks(conn=cloud, ids=[network.id])

        response = signed_in.delete(f"/api/networks/{network.id}/")
        operation = operation_finished(response.json()["id"])

        assert operation.status == Operation.Status.FAILED
        assert operation.error_message.startswith("Could not delete network “busy”:")
        assert "(Neutron 409, req-" in operation.error_message
        assert operation.request_id.startswith("req-")
        assert Network.objects.filter(pk=network.id).exists()
    finally:
        cloud.network.delete_port(port)
        cloud.network.delete_network(network)


@pytest.mark.django_db
def test_a_second_change_to_the_same_network_is_refused(
    signed_in: Client, account: KeystoneAccount, cloud: Any
) -> None:
    network = cloud.network.create_network(name="twice", project_id=account.project.id)
    try:
        reconcile_networks(conn=cloud, ids=[network.id])
        first = signed_in.delete(f"/api/networks/{network.id}/")  # no worker: stays pending

        second = signed_in.delete(f"/api/networks/{network.id}/")

        assert first.status_code == 202
        assert second.status_code == 409
        assert "already running" in second.json()["detail"]
    finally:
        cloud.network.delete_network(network, ignore_missing=True)


@pytest.mark.django_db
def test_creating_twice_for_one_operation_makes_one_network(
    signed_in: Client, account: KeystoneAccount, cloud: Any, tenant_connection: Any
) -> None:
    keystone = KeystoneSession.load(signed_in.session)
    operation = operation_start(
        actor=keystone,
        request=OperationRequest(
            service=network_create,
            description=Message("Create network “%(name)s”", {"name": "once"}),
            target_type="network",
            params={"name": "once"},
        ),
    )

    for _ in range(2):  # a retry after a lost answer, or a redelivered task
        network_create(conn=tenant_connection, operation=operation, name="once")

    made = list(cloud.network.networks(tags=operation_tag(operation)))
    try:
        assert len(made) == 1
        assert Network.objects.filter(name="once", project_id=account.project.id).count() == 1
    finally:
        for network in made:
            cloud.network.delete_network(network)


@pytest.mark.django_db
def test_bad_input_gets_field_errors_and_creates_nothing(signed_in: Client) -> None:
    no_name = signed_in.post("/api/networks/", {})

    assert no_name.status_code == 400
    assert "name" in no_name.json()
    assert not Operation.objects.exists()


@pytest.mark.django_db
def test_other_projects_networks_cannot_be_touched(
    signed_in: Client, make_account: Any, cloud: Any
) -> None:
    other = make_account().project
    network = cloud.network.create_network(name="theirs", project_id=other.id)
    try:
        reconcile_networks(conn=cloud, ids=[network.id])

        assert signed_in.get(f"/api/networks/{network.id}/").status_code == 404
        assert signed_in.delete(f"/api/networks/{network.id}/").status_code == 404
        assert network.id not in [
            n["id"] for n in signed_in.get("/api/networks/").json()["results"]
        ]
        assert not Operation.objects.exists()
    finally:
        cloud.network.delete_network(network)
