"""The network and floating IP pages: from the mirror, changes through operations."""

from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from networks.factories import NetworkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud]

HTMX = {"HX-Request": "true"}


def test_list_shows_own_shared_and_external_networks_only(
    signed_in: Client, account: KeystoneAccount, django_assert_max_num_queries: Any
) -> None:
    own = NetworkFactory(project_id=account.project.id, name="mine")
    external = NetworkFactory(project_id="admin-project", name="public", router_external=True)
    foreign = NetworkFactory(project_id="someone-else", name="theirs")

    with django_assert_max_num_queries(8):
        page = signed_in.get("/network/networks/").content.decode()

    assert own.name in page
    assert external.name in page
    assert foreign.name not in page
    assert f'action="/network/networks/{own.id}/delete/"' in page
    assert f'action="/network/networks/{external.id}/delete/"' not in page


def test_htmx_gets_only_the_table(signed_in: Client) -> None:
    response = signed_in.get("/network/networks/", headers=HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="network-table"')
    assert "<html" not in body


def test_create_answers_at_once_with_a_live_status_box(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post("/network/networks/create/", {"name": "blue"}, headers=HTMX)

    assert response.status_code == 200
    assert len(callbacks) == 1
    operation = Operation.objects.get()
    assert operation.action == "networks.network_create"
    assert operation.params == {"name": "blue", "description": ""}
    body = response.content.decode()
    assert f'hx-get="/operations/{operation.id}/"' in body
    assert "Create network “blue”" in body


def test_invalid_form_shows_field_errors_in_place_and_starts_nothing(signed_in: Client) -> None:
    response = signed_in.post("/network/networks/create/", {"name": ""}, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#network-create-form"
    assert "This field is required." in response.content.decode()
    assert not Operation.objects.exists()


def test_other_projects_networks_cannot_be_deleted(signed_in: Client) -> None:
    foreign = NetworkFactory(project_id="someone-else")

    response = signed_in.post(f"/network/networks/{foreign.id}/delete/", headers=HTMX)

    assert response.status_code == 404
    assert not Operation.objects.exists()


def test_without_htmx_a_change_redirects_back_with_a_message(signed_in: Client) -> None:
    response = signed_in.post("/network/networks/create/", {"name": "plain"}, follow=True)

    assert response.redirect_chain == [("/network/networks/", 302)]
    assert "Started: Create network “plain”" in response.content.decode()


def test_floating_ip_form_offers_external_networks_only(signed_in: Client) -> None:
    NetworkFactory(name="public", router_external=True)
    NetworkFactory(name="internal")

    page = signed_in.get("/network/floating-ips/").content.decode()

    assert ">public</option>" in page
    assert ">internal</option>" not in page
