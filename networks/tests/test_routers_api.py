"""The routers API, through the shared API test cases, plus its router-specific writes."""

from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import ResourceAPITests
from networks.factories import RouterFactory, RouterInterfaceFactory, SubnetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]


class TestRouterAPI(ResourceAPITests):
    factory = RouterFactory
    api_url = "/api/routers/"
    create_action = "networks.router_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "edge"}


def test_detail_lists_interfaces_and_a_patch_keeps_what_it_leaves_out(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(
        project_id=account.project.id, name="edge", description="keep", revision_number=7
    )
    subnet = SubnetFactory(project_id=account.project.id, cidr="10.8.0.0/24")
    port = RouterInterfaceFactory(
        router=router,
        project_id=account.project.id,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.8.0.1"}],
    )

    detail = signed_in.get(f"/api/routers/{router.id}/").json()
    patched = signed_in.patch(
        f"/api/routers/{router.id}/", {"name": "core"}, content_type="application/json"
    )

    assert detail["interface_count"] == 1
    assert detail["interfaces"] == [
        {
            "subnet_id": subnet.id,
            "subnet_cidr": "10.8.0.0/24",
            "ip_address": "10.8.0.1",
            "port_id": port.id,
        }
    ]
    assert patched.status_code == 202
    assert Operation.objects.get().params == {
        "router_id": router.id,
        "name": "core",
        "description": "keep",
        "admin_state_up": True,
        "revision_number": 7,
    }


def test_deleting_a_router_with_interfaces_answers_409_naming_them(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(project_id=account.project.id)
    subnet = SubnetFactory(project_id=account.project.id, name="app", cidr="10.9.0.0/24")
    RouterInterfaceFactory(
        router=router,
        project_id=account.project.id,
        network=subnet.network,
        fixed_ips=[{"subnet_id": subnet.id, "ip_address": "10.9.0.1"}],
    )

    response = signed_in.delete(f"/api/routers/{router.id}/")

    assert response.status_code == 409
    assert "still has interfaces on app (10.9.0.0/24)" in response.json()["detail"]
    assert not Operation.objects.exists()
