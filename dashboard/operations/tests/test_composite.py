"""The composite engine against the local cloud's Neutron: steps run in order and record what
they made; a step the cloud refuses undoes the finished steps in reverse; a retried operation
continues where it stopped instead of making twins."""

import secrets
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from dashboard.cloud.errors import CloudError, CloudTransientError, translated
from dashboard.operations.composite import Step, composite_run
from dashboard.operations.models import Operation

pytestmark = [pytest.mark.cloud, pytest.mark.django_db]

Cleanup = Callable[[Callable[[], Any]], None]


@pytest.fixture
def operation() -> Operation:
    return Operation.objects.create(
        action="tests.composite",
        description_json={"msgid": "a composite test"},
        target_type="test",
        project_id="test-project",
        user_id="someone",
        user_name="someone",
        attempts=1,
    )


def network_steps(
    cloud: Any, name: str, made: list[str], undone: list[str], cidr: str = "10.91.0.0/24"
) -> list[Step]:
    """A network, then a subnet on it with `cidr` (one Neutron refuses fails that step)."""

    def network(done: Mapping[str, Any]) -> str:
        created = cloud.network.create_network(name=name)
        made.append("network")
        return str(created.id)

    def network_undo(network_id: str) -> None:
        cloud.network.delete_network(network_id, ignore_missing=True)
        undone.append("network")

    def subnet(done: Mapping[str, Any]) -> str:
        with translated(doing="create a subnet"):
            created = cloud.network.create_subnet(
                network_id=done["network"], ip_version=4, cidr=cidr
            )
        made.append("subnet")
        return str(created.id)

    def subnet_undo(subnet_id: str) -> None:
        cloud.network.delete_subnet(subnet_id, ignore_missing=True)
        undone.append("subnet")

    return [Step("network", network, network_undo), Step("subnet", subnet, subnet_undo)]


def test_the_steps_run_in_order_and_their_results_are_recorded(
    cloud: Any, operation: Operation, cleanup: Cleanup
) -> None:
    name = f"test-composite-{secrets.token_hex(3)}"
    made: list[str] = []
    steps = network_steps(cloud, name, made, [])
    cleanup(lambda: [cloud.network.delete_network(n) for n in cloud.network.networks(name=name)])

    done = composite_run(operation=operation, steps=steps)

    assert made == ["network", "subnet"]
    operation.refresh_from_db()
    assert operation.steps == done
    assert cloud.network.get_subnet(done["subnet"]).network_id == done["network"]


def test_a_refused_step_undoes_the_finished_ones_in_reverse(
    cloud: Any, operation: Operation, cleanup: Cleanup
) -> None:
    name = f"test-composite-{secrets.token_hex(3)}"
    made: list[str] = []
    undone: list[str] = []
    steps = network_steps(cloud, name, made, undone, cidr="10.91.0.0/33")
    cleanup(lambda: [cloud.network.delete_network(n) for n in cloud.network.networks(name=name)])

    with pytest.raises(CloudError):
        composite_run(operation=operation, steps=steps)

    assert made == ["network"]
    assert undone == ["network"]
    assert list(cloud.network.networks(name=name)) == []
    operation.refresh_from_db()
    assert operation.steps == {}


def test_a_retried_operation_continues_instead_of_making_twins(
    cloud: Any, operation: Operation, cleanup: Cleanup
) -> None:
    """The transient fault is faked (a real cloud cannot be made to answer 503 on demand)."""
    name = f"test-composite-{secrets.token_hex(3)}"
    made: list[str] = []
    undone: list[str] = []
    steps = network_steps(cloud, name, made, undone)
    cleanup(lambda: [cloud.network.delete_network(n) for n in cloud.network.networks(name=name)])
    real_subnet = steps[1]

    def unavailable(done: Mapping[str, Any]) -> str:
        raise CloudTransientError("Neutron is unavailable (faked)", status_code=503)

    with pytest.raises(CloudTransientError):
        composite_run(operation=operation, steps=[steps[0], Step("subnet", unavailable)])
    operation.refresh_from_db()
    assert set(operation.steps) == {"network"}
    assert undone == []

    operation.attempts = 2
    done = composite_run(operation=operation, steps=[steps[0], real_subnet])

    assert made == ["network", "subnet"]
    assert [network.id for network in cloud.network.networks(name=name)] == [done["network"]]
