"""The networking API, through the shared API test cases."""

from typing import Any

from dashboard.testing.resources import ResourceAPITests
from networks.factories import NetworkFactory


class TestNetworkAPI(ResourceAPITests):
    factory = NetworkFactory
    api_url = "/api/networks/"
    create_action = "networks.network_create"
    invalid_data = {"name": ""}
    invalid_field = "name"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "blue"}
