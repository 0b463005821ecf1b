"""The status box links to what a finished operation made, when that has a page."""

import pytest

from dashboard.operations.models import Operation
from dashboard.web.templatetags.objects import operation_result_url

pytestmark = pytest.mark.django_db


def _operation(action: str, status: str, **fields: str) -> Operation:
    return Operation(
        action=action, target_type=action.split(".")[1].rsplit("_", 1)[0], status=status, **fields
    )


def test_a_succeeded_create_links_to_the_new_objects_page() -> None:
    made = _operation("networks.topology_create", Operation.Status.SUCCEEDED, result_id="abc")

    # `networks:topology_detail` does not exist: no link rather than an error.
    assert operation_result_url(made) == ""


def test_no_link_while_running_after_a_failure_or_for_a_delete() -> None:
    for action, status in [
        ("networks.network_create", Operation.Status.RUNNING),
        ("networks.network_create", Operation.Status.FAILED),
        ("networks.network_delete", Operation.Status.SUCCEEDED),
    ]:
        assert operation_result_url(_operation(action, status, target_id="abc")) == ""
