"""Every list filter of the project reads as words: "Any" for no filter, never django-filter's
"Unknown" (yes/no filters) or "---------" (choice filters)."""

from types import SimpleNamespace
from typing import Any

import django_filters
import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

import dashboard.urls  # noqa: F401  (imports every view, and so every filterset)
from dashboard.mirror.live import mirror_changed
from dashboard.mirror.scopes import project_scope
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.web.filtersets import ProjectChoiceFilter
from instances.factories import FlavorFactory, ImageFactory
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    RouterFactory,
    SecurityGroupFactory,
)
from networks.filtersets.ports import PortFilterSet

pytestmark = pytest.mark.django_db

APPS = ("dashboard.", "tenants.", "networks.", "instances.")


def project_filtersets() -> list[type[django_filters.FilterSet]]:
    found, pending = [], list(django_filters.FilterSet.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith(APPS) and cls._meta.model is not None:
            found.append(cls)
    return sorted(found, key=lambda cls: cls.__qualname__)


def test_the_project_has_filtersets_to_check() -> None:
    names = {cls.__name__ for cls in project_filtersets()}
    assert {"NetworkFilterSet", "FloatingIPFilterSet", "OperationFilterSet"} <= names


@pytest.mark.parametrize("filterset_class", project_filtersets(), ids=lambda cls: cls.__name__)
def test_no_filter_reads_unknown_or_dashes(filterset_class: Any) -> None:
    NetworkFactory(project_id="p", router_external=True, name="public")
    request = RequestFactory().get("/")
    request.keystone = SimpleNamespace(project_id="p")  # type: ignore[attr-defined]

    form = filterset_class({}, request=request).form
    html = str(form)

    assert "Unknown" not in html
    assert "---------" not in html
    for name, field in form.fields.items():
        assert field.label, f"{filterset_class.__name__}.{name} has no label"
        choices = list(getattr(field, "choices", []))
        if choices:
            assert choices[0][0] == "", f"{filterset_class.__name__}.{name}: no empty choice"
            assert str(choices[0][1]).startswith("Any"), f"{filterset_class.__name__}.{name}"


def test_choices_of_related_objects_load_their_label_and_nothing_per_option() -> None:
    """A choice of hundreds of images or flavors reads only each option's id and label, in
    one query per choice (no related rows joined, none loaded per option)."""
    for number in range(5):
        NetworkFactory(project_id="p", router_external=True, name=f"public-{number}")
        NetworkFactory(project_id="p", name=f"own-{number}")
        ImageFactory(project_id="p", name=f"image-{number}")
        FlavorFactory(name=f"flavor-{number}")
        SecurityGroupFactory(project_id="p", name=f"group-{number}")
        FloatingIPFactory(project_id="p", floating_ip_address=f"203.0.113.{number + 10}")
    request = RequestFactory().get("/")
    request.keystone = SimpleNamespace(project_id="p")  # type: ignore[attr-defined]
    checked = 0
    for filterset_class in project_filtersets():
        filterset = filterset_class({}, request=request)
        for name, filter_ in filterset.filters.items():
            if not isinstance(filter_, ProjectChoiceFilter):
                continue
            field = filterset.form.fields[name]
            with CaptureQueriesContext(connection) as queries:
                labels = [str(label) for _value, label in field.choices][1:]
            assert len(queries) == 1, (filterset_class.__name__, name, queries.captured_queries)
            assert labels, (filterset_class.__name__, name)
            only, deferred = field.queryset.query.deferred_loading
            model = field.queryset.model
            assert deferred is False, (filterset_class.__name__, name)
            assert set(only) == {model._meta.pk.name, *model.label_fields}, (name, only)
            checked += 1
    assert checked >= 7


@pytest.mark.cloud
def test_yes_no_filters_still_filter_on_the_page_and_the_api(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project_id = account.project.id
    RouterFactory(project_id=project_id, name="snat-router", enable_snat=True)
    RouterFactory(project_id=project_id, name="plain-router", enable_snat=False)

    page = signed_in.get("/network/routers/", {"enable_snat": "false"}).content.decode()
    api = signed_in.get("/api/routers/", {"enable_snat": "true"}).json()
    unfiltered = signed_in.get("/network/routers/", {"enable_snat": ""}).content.decode()

    assert "plain-router" in page
    assert "snat-router" not in page
    assert [row["name"] for row in api["results"]] == ["snat-router"]
    assert "plain-router" in unfiltered
    assert "snat-router" in unfiltered
    assert '<option value="" selected>Any</option>' in unfiltered


def test_each_choices_rows_are_read_once_per_mirror_version() -> None:
    """A page knows its session's mirror version: its options are read at the first page of a
    version and kept for the pages after it, and read again once the version moved."""
    NetworkFactory(project_id="p", name="blue")
    request = RequestFactory().get("/")
    request.keystone = SimpleNamespace(project_id="p")  # type: ignore[attr-defined]

    def labels(version: str) -> list[str]:
        request.mirror_version = version  # type: ignore[attr-defined]
        field = PortFilterSet({}, request=request).form.fields["network"]
        return [str(label) for _value, label in field.choices][1:]

    with CaptureQueriesContext(connection) as first:
        assert labels("v1") == ["blue"]
    NetworkFactory(project_id="p", name="green")  # a write moves the version (not here)
    with CaptureQueriesContext(connection) as same_version:
        assert labels("v1") == ["blue"]
    with CaptureQueriesContext(connection) as next_version:
        assert sorted(labels("v2")) == ["blue", "green"]
    with CaptureQueriesContext(connection) as unversioned:
        assert sorted(labels("")) == ["blue", "green"]

    assert (len(first), len(same_version), len(next_version), len(unversioned)) == (1, 0, 1, 1)


@pytest.mark.cloud
def test_a_pages_filter_form_is_kept_per_mirror_version(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    """The filter form is rendered once per query, language and mirror version (the per-process
    `fragments` cache, web/object_list.html), and anew once the version moved."""
    project_id = account.project.id
    NetworkFactory(project_id=project_id, name="blue-net")

    first = signed_in.get("/network/ports/").content.decode()
    NetworkFactory(project_id=project_id, name="green-net")  # the version has not moved yet
    same_version = signed_in.get("/network/ports/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        mirror_changed(scopes={project_scope(project_id)})
    next_version = signed_in.get("/network/ports/").content.decode()
    other_query = signed_in.get("/network/ports/", {"q": "x"}).content.decode()

    assert "blue-net</option>" in first
    assert "green-net</option>" not in same_version
    assert "green-net</option>" in next_version
    assert 'value="x"' in other_query
