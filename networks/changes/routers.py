"""Router changes: the router itself, its gateway, interfaces and static routes.

A change the mirror already shows cannot succeed (deleting a router that still has interfaces,
clearing a gateway floating IPs use) is refused here, before anything reaches the cloud.
"""

from typing import Any

from dashboard.operations.services import OperationRefused
from networks.changes import Change
from networks.models import Router
from networks.selectors.routers import router_floating_ips, router_interface_list


def _on_router(router: Router, *, action: str, description: str, params: dict[str, Any]) -> Change:
    return {
        "action": f"networks.{action}",
        "description": description,
        "target_type": "router",
        "target_id": router.id,
        "target_name": router.name,
        "params": {"router_id": router.id, **params},
    }


def create_router(data: dict[str, Any]) -> Change:
    return {
        "action": "networks.router_create",
        "description": f"Create router “{data['name']}”",
        "target_type": "router",
        "target_name": data["name"],
        "params": data,
    }


def update_router(router: Router, data: dict[str, Any]) -> Change:
    return _on_router(
        router,
        action="router_update",
        description=f"Edit router “{router.name_or_id}”",
        params={**data, "revision_number": router.revision_number},
    )


def delete_router(router: Router) -> Change:
    interfaces = router_interface_list(project_id=router.project_id, router_id=router.id)
    if interfaces:
        names = "; ".join(interface.label for interface in interfaces)
        raise OperationRefused(
            f"Router “{router.name_or_id}” still has interfaces on {names}. "
            "Remove them on the router's page first, then delete it."
        )
    return _on_router(
        router,
        action="router_delete",
        description=f"Delete router “{router.name_or_id}”",
        params={},
    )


def set_router_gateway(router: Router, data: dict[str, Any]) -> Change:
    return _on_router(
        router,
        action="router_set_gateway",
        description=f"Set the external gateway of router “{router.name_or_id}”",
        params=data,
    )


def clear_router_gateway(router: Router) -> Change:
    in_use = router_floating_ips(project_id=router.project_id, router_id=router.id).filter(
        port__isnull=False
    )
    if in_use:
        addresses = ", ".join(ip.floating_ip_address for ip in in_use)
        raise OperationRefused(
            f"Floating IPs {addresses} reach their ports through the gateway of router "
            f"“{router.name_or_id}”. Disassociate them on the Floating IPs page first, "
            "then clear the gateway."
        )
    return _on_router(
        router,
        action="router_clear_gateway",
        description=f"Clear the external gateway of router “{router.name_or_id}”",
        params={},
    )


def add_router_interface(router: Router, data: dict[str, Any]) -> Change:
    return _on_router(
        router,
        action="router_add_interface",
        description=f"Add an interface on {data['label']} to router “{router.name_or_id}”",
        params=data,
    )


def remove_router_interface(router: Router, data: dict[str, Any]) -> Change:
    return _on_router(
        router,
        action="router_remove_interface",
        description=f"Remove the interface on {data['label']} from router “{router.name_or_id}”",
        params=data,
    )


def add_router_route(router: Router, data: dict[str, Any]) -> Change:
    return _on_router(
        router,
        action="router_add_route",
        description=f"Add route {data['destination']} via {data['nexthop']} to router "
        f"“{router.name_or_id}”",
        params=data,
    )


def remove_router_route(router: Router, data: dict[str, Any]) -> Change:
    return _on_router(
        router,
        action="router_remove_route",
        description=f"Remove route {data['destination']} via {data['nexthop']} from router "
        f"“{router.name_or_id}”",
        params=data,
    )
