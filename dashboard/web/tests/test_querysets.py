"""Selectors' querysets built once per process (`dashboard.web.querysets.built_once`)."""

import pytest

from dashboard.web.querysets import built_once
from networks.factories import PortFactory
from networks.selectors.ports import port_list

pytestmark = pytest.mark.django_db


def test_a_selectors_queryset_is_built_once_per_project_and_read_anew_from_each_copy() -> None:
    built = built_once(port_list, "project-a")
    first = built.all()
    assert list(first) == []
    port = PortFactory.create(project_id="project-a")

    assert built_once(port_list, "project-a") is built
    assert built_once(port_list, "project-b") is not built
    assert list(built.all()) == [port]  # each copy reads the rows anew
    assert built._result_cache is None  # the kept queryset itself is never evaluated
