"""The operation engine: start, claim, retry, fail, refuse, and the token kept out of the database.

These tests use small services of their own (registered with `@operation_service`, beside the
apps' services) so that the engine's paths can be driven exactly; the real services' tests call
the real cloud.
"""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from celery.exceptions import TimeLimitExceeded
from django.test import Client

from dashboard.cloud.errors import CloudConflict, CloudUnreachable
from dashboard.i18n import Message
from dashboard.operations import credentials, registry
from dashboard.operations.models import Operation
from dashboard.operations.services import (
    OperationRefused,
    operation_claim,
    operation_start,
    operations_fail_stuck,
)
from dashboard.operations.tasks import run_operation_task
from dashboard.testing.waiting import operation_finished

Status = Operation.Status
calls_made: list[dict[str, Any]] = []


class FakeActor:
    user_id = "u-1"
    user_name = "alice"
    project_id = "p-1"
    token = "gAAAAA-test-token-value"

    def __init__(self) -> None:
        self.expires_at = datetime.now(UTC) + timedelta(hours=1)


@registry.operation_service
def record(*, conn: Any, operation: Operation, **params: Any) -> None:
    calls_made.append({"operation": operation.pk, "conn": conn, **params})


@registry.operation_service
def fail_permanently(*, conn: Any, operation: Operation, **params: Any) -> None:
    """Stands in for a cloud refusal; the cloud's own refusals are tested with the real actions."""
    raise CloudConflict("Could not do it: it conflicts. (Neutron 409, req-42)", request_id="req-42")


@registry.operation_service
def fail_transiently_once(*, conn: Any, operation: Operation, **params: Any) -> None:
    """A fault on the first attempt only: a connection refused, as when Neutron restarts."""
    if operation.attempts == 1:
        raise CloudUnreachable("Could not do it: Neutron cannot be reached.")
    calls_made.append({"operation": operation.pk, "attempt": operation.attempts})


@registry.operation_service
def rename(*, conn: Any, operation: Operation, name: str) -> None:
    calls_made.append({"operation": operation.pk, "name": name})


def not_a_service(*, conn: Any, operation: Operation, **params: Any) -> None:
    """A function without `@operation_service`: no operation may run it."""


@pytest.fixture(autouse=True)
def fake_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    calls_made.clear()
    monkeypatch.setattr("dashboard.operations.tasks.user_connection", lambda **kwargs: kwargs)


def start(service: registry.Service = record, target_id: str = "net-1", **params: Any) -> Operation:
    return operation_start(
        actor=FakeActor(),
        request=registry.OperationRequest(
            service=service,
            description=Message("Do the thing"),
            target_type="network",
            target_id=target_id,
            target_name="blue",
            params=params,
        ),
    )


@pytest.mark.django_db
def test_start_writes_the_row_then_sends_the_task_on_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        operation = start(size=3)

    assert len(callbacks) == 1
    assert operation.action == "dashboard.record"  # `<app>.<function>` of the service
    assert operation.status == Status.PENDING
    assert operation.params == {"size": 3}
    assert credentials.token_fetch(operation_id=operation.id) == FakeActor.token
    assert FakeActor.token not in str(Operation.objects.values().get(pk=operation.pk))


@pytest.mark.django_db
def test_a_second_operation_on_the_same_target_is_refused() -> None:
    start()

    with pytest.raises(OperationRefused, match="An operation on network “blue” is already running"):
        start()
    start(target_id="net-2")  # another target is fine


@pytest.mark.django_db
def test_a_request_naming_no_registered_service_is_refused_before_anything_is_written() -> None:
    with pytest.raises(registry.UnknownAction):
        start(not_a_service)
    assert not Operation.objects.exists()


@pytest.mark.django_db
def test_a_request_whose_params_do_not_fit_the_service_raises_before_anything_is_written(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(TypeError):
            start(rename)  # `name` missing
        with pytest.raises(TypeError):
            start(rename, name="green", size=3)  # `size` is no parameter of the service
    assert not Operation.objects.exists()
    assert callbacks == []
    start(rename, name="green")


@pytest.mark.django_db
def test_claim_runs_an_operation_once_and_only_for_its_own_task() -> None:
    operation = start()

    assert operation_claim(operation_id=str(operation.pk), task_id=str(uuid.uuid4())) is None
    run_operation_task.apply(args=(str(operation.pk),), task_id=str(operation.task_id))
    run_operation_task.apply(args=(str(operation.pk),), task_id=str(operation.task_id))

    operation.refresh_from_db()
    assert operation.status == Status.SUCCEEDED
    assert operation.attempts == 1
    assert len(calls_made) == 1
    assert calls_made[0]["conn"] == {"token": FakeActor.token, "project_id": "p-1"}
    assert credentials.token_fetch(operation_id=operation.id) is None


@pytest.mark.django_db
def test_a_second_copy_of_a_delivery_does_not_claim_a_running_operation(settings: Any) -> None:
    """As a broker hands one message out twice (bench/multi.py found both copies running at
    once): the copy gets nothing while the first claim holds; the task's retry does, and so
    does any copy once the claim is older than the lease (its run has surely ended)."""
    operation = start()
    task_id = str(operation.task_id)

    first = operation_claim(operation_id=str(operation.pk), task_id=task_id)
    copy = operation_claim(operation_id=str(operation.pk), task_id=task_id)
    retry = operation_claim(operation_id=str(operation.pk), task_id=task_id, retries=1)
    copy_of_retry = operation_claim(operation_id=str(operation.pk), task_id=task_id, retries=1)
    Operation.objects.filter(pk=operation.pk).update(
        claimed_at=datetime.now(UTC) - timedelta(seconds=settings.OPERATION_CLAIM_LEASE + 1)
    )
    after_the_lease = operation_claim(operation_id=str(operation.pk), task_id=task_id, retries=1)

    assert first is not None
    assert (copy, copy_of_retry) == (None, None)
    assert retry is not None
    assert after_the_lease is not None
    assert after_the_lease.attempts == 3


@pytest.mark.django_db
def test_user_data_reaches_the_action_but_is_never_shown_and_is_dropped_once_finished(
    signed_in: Client,
) -> None:
    operation = start(size=3, user_data="I2Nsb3VkLWNvbmZpZw==")
    Operation.objects.filter(pk=operation.pk).update(
        project_id=signed_in.session["keystone"]["project_id"]
    )

    shown = signed_in.get(f"/api/operations/{operation.pk}/").json()["params"]
    assert shown == {"size": 3, "user_data": "(not shown)"}

    run_operation_task.apply(args=(str(operation.pk),), task_id=str(operation.task_id))

    assert calls_made[0]["user_data"] == "I2Nsb3VkLWNvbmZpZw=="
    operation.refresh_from_db()
    assert operation.params == {"size": 3, "user_data": "(not shown)"}


@pytest.mark.django_db
def test_permanent_failure_keeps_the_message_and_request_id() -> None:
    operation = start(fail_permanently)

    run_operation_task.apply(args=(str(operation.pk),), task_id=str(operation.task_id))

    operation.refresh_from_db()
    assert operation.status == Status.FAILED
    assert operation.error_message == "Could not do it: it conflicts. (Neutron 409, req-42)"
    assert operation.request_id == "req-42"
    assert operation.finished_at is not None


@pytest.mark.django_db
def test_an_operation_without_its_token_fails_and_says_to_sign_in() -> None:
    operation = start()
    credentials.token_forget(operation_id=operation.id)

    run_operation_task.apply(args=(str(operation.pk),), task_id=str(operation.task_id))

    operation.refresh_from_db()
    assert operation.status == Status.FAILED
    assert "Sign in again and retry" in operation.error_message
    assert calls_made == []


@pytest.mark.django_db
def test_stuck_operations_are_failed_honestly() -> None:
    never_started, interrupted, fresh = start(), start(target_id="net-2"), start(target_id="net-3")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    Operation.objects.filter(pk=never_started.pk).update(created_at=an_hour_ago)
    Operation.objects.filter(pk=interrupted.pk).update(
        status=Status.RUNNING, attempts=1, created_at=an_hour_ago
    )

    assert operations_fail_stuck(older_than=timedelta(minutes=30)) == 2

    for operation in (never_started, interrupted, fresh):
        operation.refresh_from_db()
    assert never_started.status == interrupted.status == Status.FAILED
    assert never_started.error_message.startswith(
        "No worker picked this operation up within 30 minutes, so the cloud was never asked "
        "to make the change."
    )
    assert interrupted.error_message.startswith(
        "A worker started this operation but none finished it within 30 minutes"
    )
    assert "cannot tell whether the cloud made the change" in interrupted.error_message
    assert fresh.status == Status.PENDING


@pytest.mark.django_db
def test_the_hard_time_limit_fails_the_operation_with_its_reason() -> None:
    """The pool kills a process that outlives the hard limit and tells the task's `on_failure`
    in the worker's main process; faked here, the prefork kill itself is Celery's."""
    operation = start()
    Operation.objects.filter(pk=operation.pk).update(status=Status.RUNNING, attempts=1)

    run_operation_task.on_failure(
        TimeLimitExceeded(150), str(operation.task_id), (str(operation.pk),), {}, None
    )

    operation.refresh_from_db()
    assert operation.status == Status.FAILED
    assert operation.error_message == (
        "Could not do the thing: the cloud had not finished it after 150 seconds, the longest "
        "an operation may take, so the dashboard stopped waiting; the cloud may be overloaded. It "
        "may or may not have made the change: check the object's page, then try again if the "
        "change is not there."
    )
    assert credentials.token_fetch(operation_id=operation.id) is None


def test_whole_path_through_a_real_worker(celery_worker: Any) -> None:
    operation = start(size=1)

    assert operation_finished(operation.pk, timeout=20).status == Status.SUCCEEDED
    assert [call["size"] for call in calls_made] == [1]


def test_an_operation_on_another_project_is_recorded_there_and_runs_scoped_to_the_actors(
    celery_worker: Any,
) -> None:
    """An admin's (or the try-out account's) change to a tenant's project shows in that
    project's Activity, while the token stays scoped to the project it was issued for."""
    operation = operation_start(
        actor=FakeActor(),
        request=registry.OperationRequest(
            service=record, description=Message("Do the thing"), target_type="project"
        ),
        project_id="p-tenant",
    )

    assert (operation.project_id, operation.acting_project_id) == ("p-tenant", "p-1")
    assert operation_finished(operation.pk, timeout=20).status == Status.SUCCEEDED
    assert calls_made[0]["conn"]["project_id"] == "p-1"


def test_transient_faults_are_retried_by_the_worker(celery_worker: Any) -> None:
    operation = start(fail_transiently_once)

    finished = operation_finished(operation.pk, timeout=20)

    assert finished.status == Status.SUCCEEDED
    assert finished.attempts == 2
    assert calls_made == [{"operation": operation.pk, "attempt": 2}]


@pytest.mark.django_db
def test_status_box_polls_until_finished_then_tells_the_page(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    keystone = signed_in.session["keystone"]
    operation = Operation.objects.create(
        action="networks.network_create",
        description_json=Message("Create network “blue”").as_json(),
        target_type="network",
        project_id=keystone["project_id"],
        user_id="u",
        user_name="alice",
    )
    url = f"/operations/{operation.pk}/"

    running = signed_in.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="load delay:2s"' in running.content.decode()
    assert "HX-Trigger" not in running

    Operation.objects.filter(pk=operation.pk).update(status=Status.SUCCEEDED)
    done = signed_in.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    assert "networks:changed" in json.loads(done["HX-Trigger"])


@pytest.mark.django_db
def test_operations_of_other_projects_are_invisible(signed_in: Client) -> None:
    foreign = Operation.objects.create(
        action="networks.network_create",
        description_json=Message("Create network “secret”").as_json(),
        target_type="network",
        project_id="another-project",
        user_id="u",
        user_name="mallory",
    )

    assert signed_in.get(f"/operations/{foreign.pk}/").status_code == 404
    assert signed_in.get(f"/api/operations/{foreign.pk}/").status_code == 404
    assert signed_in.get("/api/operations/").json()["results"] == []
    assert "secret" not in signed_in.get("/activity/").content.decode()


@pytest.mark.django_db
def test_times_of_any_offset_filter_in_utc_and_one_past_the_calendar_is_refused(
    signed_in: Client,
) -> None:
    """PostgreSQL refuses offsets past ±15:59, which ISO 8601 and Python allow (the API fuzz
    found a 500 for `+21:46`); the filter asks in UTC."""
    operation = Operation.objects.create(
        action="networks.network_create",
        description_json=Message("Create network “n”").as_json(),
        target_type="network",
        project_id=signed_in.session["keystone"]["project_id"],
        user_id="u",
        user_name="u",
    )
    created = operation.created_at.astimezone(UTC)
    just_before = (created - timedelta(seconds=1)).astimezone(
        timezone(timedelta(hours=21, minutes=46))
    )

    found = signed_in.get("/api/operations/", {"since": just_before.isoformat()})
    assert [row["id"] for row in found.json()["results"]] == [str(operation.pk)]
    past = signed_in.get("/api/operations/", {"since": "9999-12-31T23:00:00-05:00"})
    assert past.status_code == 400
    assert "since" in past.json()
    page = signed_in.get("/activity/", {"since": "9999-12-31T23:00:00-05:00"}).content.decode()
    assert "From: Enter a time between the years 1 and 9999 in UTC." in page
