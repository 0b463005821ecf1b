"""The networking API, through the shared API test cases."""

from typing import Any

from dashboard.testing.resources import ResourceAPITests
from networks.factories import FloatingIPFactory, NetworkFactory


class TestNetworkAPI(ResourceAPITests):
    factory = NetworkFactory
    api_url = "/api/networks/"
    create_action = "networks.network_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "blue"}


class TestFloatingIPAPI(ResourceAPITests):
    factory = FloatingIPFactory
    api_url = "/api/floating-ips/"
    create_action = "networks.floating_ip_create"
    invalid_data = {"floating_network_id": "not-an-external-network"}
    invalid_field = "floating_network_id"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"floating_network_id": NetworkFactory(external=True).id}

    def search_value(self, obj: Any) -> str:
        return str(obj.pk)
