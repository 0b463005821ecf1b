"""Every list filter of the project reads as words: "Any" for no filter, never django-filter's
"Unknown" (yes/no filters) or "---------" (choice filters)."""

from types import SimpleNamespace
from typing import Any

import django_filters
import pytest
from django.test import Client, RequestFactory

import dashboard.urls  # noqa: F401  (imports every view, and so every filterset)
from dashboard.testing.fixtures import KeystoneAccount
from networks.factories import NetworkFactory, RouterFactory

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
