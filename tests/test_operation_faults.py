"""Operations under faults, against the real local cloud: a worker killed with SIGKILL in the
middle of an operation, Neutron or Nova stopped while operations run, and an operation past its
time limit.

Nothing here fakes the cloud's answers. The kill tests run real worker processes
(`dashboard.testing.worker`) and choose the moment of the kill by letting one real SDK call
reach Neutron and return, then blocking the worker until it is killed. The outage tests kill
the local cloud's neutron-api or nova-api and start it again with `devcloud up`
(`dashboard.testing.devcloud`). The time limit test blocks a worker at a real call (its docstring
says why).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import operation_start
from dashboard.operations.tasks import run_operation_task
from dashboard.testing.devcloud import service_stopped
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.waiting import operation_finished, wait_until
from dashboard.testing.worker import WorkerProcesses
from instances.models import KeyPair
from instances.reconcile import keypair_id
from instances.services.keypairs import keypair_create, public_key_fingerprint
from instances.tests.keys import delete_user_keypairs, new_public_key
from networks.models import Network
from networks.reconcile import reconcile_networks
from networks.services.common import operation_tag
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]

Status = Operation.Status
NETWORK_PROXY = "openstack.network.v2._proxy:Proxy"


def start_network_create(client: Client, name: str) -> str:
    response = client.post("/api/networks/", {"name": name})
    assert response.status_code == 202, response.content.decode()
    return str(response.json()["id"])


@pytest.fixture
def project_networks(cloud: Any, account: KeystoneAccount) -> Iterator[list[Any]]:
    """The networks in the test's project, listed now; whatever is there is deleted afterwards."""
    yield list(cloud.network.networks(project_id=account.project.id))
    for network in cloud.network.networks(project_id=account.project.id):
        cloud.network.delete_network(network, ignore_missing=True)


def networks_named(cloud: Any, account: KeystoneAccount, name: str) -> list[Any]:
    return list(cloud.network.networks(project_id=account.project.id, name=name))


@pytest.mark.parametrize(
    "pause",
    [
        pytest.param(
            f"after:{NETWORK_PROXY}.create_network", id="after-neutron-created-the-network"
        ),
        pytest.param(f"before:{NETWORK_PROXY}.set_tags", id="before-the-network-was-tagged"),
        pytest.param(f"after:{NETWORK_PROXY}.set_tags", id="after-the-network-was-tagged"),
    ],
)
def test_a_worker_killed_mid_operation_ends_it_once_without_a_twin(
    worker_processes: WorkerProcesses,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    project_networks: list[Any],
    pause: str,
) -> None:
    first = worker_processes.start(pause=pause)
    operation_id = start_network_create(signed_in, "survivor")
    first.wait_paused()

    first.kill()

    interrupted = Operation.objects.get(pk=operation_id)
    assert (interrupted.status, interrupted.attempts) == (Status.RUNNING, 1)
    made = [network.id for network in networks_named(cloud, account, "survivor")]
    assert len(made) == 1  # Neutron made it before the kill

    second = worker_processes.start()
    operation = operation_finished(
        operation_id, alive=second.check_alive, timeout=60, details=worker_processes.logs
    )

    logs = worker_processes.logs()
    assert operation.status == Status.SUCCEEDED or operation.error_message, logs
    # 2: the killed attempt and the rerun; more only when the shared cloud had a blip meanwhile
    assert operation.attempts >= 2, logs
    assert len(worker_processes.events("operation.finished", operation=operation_id)) == 1, logs
    worker_processes.wait_until_acknowledged()  # nothing left to redeliver
    now = [network.id for network in networks_named(cloud, account, "survivor")]
    assert now == made, f"the rerun made a twin network: {now}"
    if operation.status == Status.SUCCEEDED:
        assert [operation.result_id] == made
        tags = cloud.network.get_network(made[0]).tags
        assert operation_tag(operation) in tags, f"the network lost its operation tag: {tags}"
        assert Network.objects.filter(pk=made[0], project_id=account.project.id).exists()


def assert_retrying_while_pages_answer(signed_in: Client, patient_id: str, *, down: str) -> None:
    """While `down` cannot be reached, the operation is retried (still running after a second
    attempt) and the pages keep answering from the mirror: the lists, the Activity page saying
    why, and the status box still polling."""
    retrying = wait_until(
        lambda: Operation.objects.filter(pk=patient_id, attempts__gte=2).first(),
        timeout=30,
        what="a second attempt",
    )
    assert retrying.status == Status.RUNNING

    networks_page = signed_in.get("/network/networks/")
    activity_page = signed_in.get("/activity/")
    status_box = signed_in.get(f"/operations/{patient_id}/", headers={"HX-Request": "true"})
    assert networks_page.status_code == 200
    assert "steady" in networks_page.content.decode()
    assert activity_page.status_code == 200
    assert f"{down} cannot be reached" in activity_page.content.decode()
    assert status_box.status_code == 200
    assert 'hx-trigger="load delay:2s"' in status_box.content.decode()


def test_neutron_stopped_during_operations(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    project_networks: list[Any],
    settings: Any,
) -> None:
    """One short outage: an operation whose retries run out fails saying Neutron cannot be
    reached; one still retrying when Neutron returns succeeds; pages render all along."""
    steady = cloud.network.create_network(name="steady", project_id=account.project.id)
    reconcile_networks(conn=cloud, ids=[steady.id])
    # Budgets short enough for a test: three attempts within a second for the first operation,
    # then about 60 attempts over 30 s (delays up to 1 s each) for the second.
    settings.OPERATION_MAX_RETRIES = 2
    settings.OPERATION_RETRY_BACKOFF = settings.OPERATION_RETRY_BACKOFF_MAX = 0.2

    with service_stopped("neutron-api") as neutron:
        given_up = operation_finished(start_network_create(signed_in, "given-up"), timeout=30)

        assert given_up.status == Status.FAILED
        assert given_up.attempts == 3
        assert given_up.error_message == (
            "Could not create network “given-up”: Neutron cannot be reached. Try again later, "
            "or ask the cloud's operators whether it is down."
        )

        settings.OPERATION_MAX_RETRIES = 60
        settings.OPERATION_RETRY_BACKOFF = settings.OPERATION_RETRY_BACKOFF_MAX = 1.0
        patient_id = start_network_create(signed_in, "patient")
        assert_retrying_while_pages_answer(signed_in, patient_id, down="Neutron")

        neutron.restore()
        patient = operation_finished(patient_id, timeout=60)

    assert patient.status == Status.SUCCEEDED, patient.error_message
    assert patient.attempts > 2
    made = list(cloud.network.networks(tags=operation_tag(patient)))
    assert [network.id for network in made] == [patient.result_id]
    assert Network.objects.filter(pk=patient.result_id, name="patient").exists()
    assert networks_named(cloud, account, "given-up") == []


def test_an_operation_past_its_soft_time_limit_fails_saying_why(
    worker_processes: WorkerProcesses,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    project_networks: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A prefork worker (as in production: time limits are enforced only there) blocked right
    before its call to Neutron, with a 3 s soft limit (limits travel in the task's message).
    Faked: a cloud call that hangs past the limit. The real cloud cannot be made to (each call
    gives up at its read timeout, 20 s), so the worker blocks at the real SDK call instead; the
    limit, its signal and the task's handling of it are real."""
    monkeypatch.setattr(run_operation_task, "soft_time_limit", 3)
    monkeypatch.setattr(run_operation_task, "time_limit", 30)
    monkeypatch.setattr(run_operation_task, "_exec_options", None)  # Celery's cache of them
    worker = worker_processes.start(pause=f"before:{NETWORK_PROXY}.create_network", pool="prefork")
    operation_id = start_network_create(signed_in, "slow")

    operation = operation_finished(
        operation_id, alive=worker.check_alive, timeout=60, details=worker_processes.logs
    )

    assert operation.status == Status.FAILED, worker_processes.logs()
    assert operation.error_message == (
        "Could not create network “slow”: the cloud had not finished it after 3 seconds, the "
        "longest an operation may take, so the dashboard stopped waiting; the cloud may be "
        "overloaded. It may or may not have made the change: check the object's page, then try "
        "again if the change is not there."
    )
    assert operation.attempts == 1
    worker_processes.wait_until_acknowledged()
    assert networks_named(cloud, account, "slow") == []
    worker.check_alive()  # the worker carries on with the next operation


def start_keypair_import(client: Client, name: str, public_key: str) -> str:
    """Start a key pair import as the signed-in user (key pairs have no page or API yet)."""
    keystone = KeystoneSession.load(client.session)
    assert keystone is not None
    operation = operation_start(
        actor=keystone,
        request=OperationRequest(
            service=keypair_create,
            description=Message(gettext_noop("Import key pair “%(name)s”"), {"name": name}),
            target_type="keypair",
            target_name=name,
            params={"name": name, "public_key": public_key},
        ),
    )
    return str(operation.pk)


@pytest.fixture
def user_keypairs(cloud: Any, account: KeystoneAccount) -> Iterator[None]:
    yield
    delete_user_keypairs(cloud, account.user_id)


def test_nova_stopped_during_operations(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    project_networks: list[Any],
    user_keypairs: None,
    settings: Any,
) -> None:
    """As with Neutron: an operation whose retries run out while nova-api is down fails saying
    Nova cannot be reached; one still retrying when it returns succeeds; pages render."""
    steady = cloud.network.create_network(name="steady", project_id=account.project.id)
    reconcile_networks(conn=cloud, ids=[steady.id])
    public_key = new_public_key()
    settings.OPERATION_MAX_RETRIES = 2
    settings.OPERATION_RETRY_BACKOFF = settings.OPERATION_RETRY_BACKOFF_MAX = 0.2

    with service_stopped("nova-api") as nova:
        given_up = operation_finished(
            start_keypair_import(signed_in, "given-up", new_public_key()), timeout=30
        )

        assert given_up.status == Status.FAILED
        assert given_up.attempts == 3
        assert given_up.error_message == (
            "Could not import key pair “given-up”: Nova cannot be reached. Try again later, "
            "or ask the cloud's operators whether it is down."
        )

        settings.OPERATION_MAX_RETRIES = 60
        settings.OPERATION_RETRY_BACKOFF = settings.OPERATION_RETRY_BACKOFF_MAX = 1.0
        patient_id = start_keypair_import(signed_in, "patient", public_key)
        assert_retrying_while_pages_answer(signed_in, patient_id, down="Nova")

        nova.restore()
        patient = operation_finished(patient_id, timeout=60)

    assert patient.status == Status.SUCCEEDED, patient.error_message
    assert patient.attempts > 2
    made = list(cloud.compute.keypairs(user_id=account.user_id))
    assert [(k.name, k.fingerprint) for k in made] == [
        ("patient", public_key_fingerprint(public_key))
    ]
    row_id = keypair_id(user_id=account.user_id, name="patient")
    assert patient.result_id == row_id
    assert KeyPair.objects.filter(pk=row_id, fingerprint=made[0].fingerprint).exists()
