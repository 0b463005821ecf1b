"""The network pages: from the mirror, changes through operations."""

from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import ResourceViewTests
from networks.factories import NetworkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

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


def test_other_projects_networks_cannot_be_deleted(signed_in: Client) -> None:
    foreign = NetworkFactory(project_id="someone-else")

    response = signed_in.post(f"/network/networks/{foreign.id}/delete/", headers=HTMX)

    assert response.status_code == 404
    assert not Operation.objects.exists()


def test_without_htmx_a_change_redirects_back_with_a_message(signed_in: Client) -> None:
    response = signed_in.post("/network/networks/create/", {"name": "plain"}, follow=True)

    assert response.redirect_chain == [("/network/networks/", 302)]
    assert "Started: Create network “plain”" in response.content.decode()


class TestNetworkViews(ResourceViewTests):
    factory = NetworkFactory
    list_url_name = "networks:network_list"
    create_url_name = "networks:network_create"
    create_action = "networks.network_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "blue"}
