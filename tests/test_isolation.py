"""Multi-tenancy: a user never sees or touches another project's rows, on any page, partial or
API endpoint. Every route that takes an object id must be listed here, or the meta-test fails."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboard.operations.models import Operation
from instances.factories import KeyPairFactory, ServerFactory
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    PortForwardingFactory,
    RouterFactory,
    SecurityGroupFactory,
    SecurityGroupRuleFactory,
    SubnetFactory,
    SubnetPoolFactory,
)
from tenants.factories import QuotaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]


OTHER_PROJECT = "another-project-id"

# route name -> (kind of object in the URL, its URL argument, the HTTP method that acts on it)
OBJECT_ROUTES = {
    "operations:operation_status": ("operation", "operation_id", "get"),
    "networks:network_delete": ("network", "pk", "post"),
    "networks:floating_ip_delete": ("floating_ip", "pk", "post"),
    "network-detail": ("network", "pk", "get"),
    "network-detail-delete": ("network", "pk", "delete"),
    "floating-ip-detail": ("floating_ip", "pk", "get"),
    "floating-ip-detail-delete": ("floating_ip", "pk", "delete"),
    "operation-detail": ("operation", "pk", "get"),
    "networks:router_detail": ("router", "pk", "get"),
    "networks:router_edit": ("router", "pk", "get"),
    "networks:router_delete": ("router", "pk", "post"),
    "networks:router_gateway": ("router", "pk", "get"),
    "networks:router_gateway_clear": ("router", "pk", "post"),
    "networks:router_interface_add": ("router", "pk", "get"),
    "networks:router_interface_remove": ("router", "pk", "get"),
    "networks:router_route_add": ("router", "pk", "get"),
    "networks:router_route_remove": ("router", "pk", "get"),
    "router-detail": ("router", "pk", "get"),
    "router-detail-delete": ("router", "pk", "delete"),
    "router-gateway": ("router", "pk", "put"),
    "router-gateway-delete": ("router", "pk", "delete"),
    "router-add-interface": ("router", "pk", "post"),
    "router-remove-interface": ("router", "pk", "post"),
    "router-add-route": ("router", "pk", "post"),
    "router-remove-route": ("router", "pk", "post"),
    "networks:network_detail": ("network", "pk", "get"),
    "networks:network_edit": ("network", "pk", "get"),
    "networks:subnet_detail": ("subnet", "pk", "get"),
    "networks:subnet_edit": ("subnet", "pk", "get"),
    "networks:subnet_delete": ("subnet", "pk", "post"),
    "subnet-detail": ("subnet", "pk", "get"),
    "subnet-detail-delete": ("subnet", "pk", "delete"),
    "subnet-pool-detail": ("subnet_pool", "pk", "get"),
    "networks:security_group_detail": ("security_group", "pk", "get"),
    "networks:security_group_edit": ("security_group", "pk", "get"),
    "networks:security_group_delete": ("security_group", "pk", "post"),
    "networks:security_group_rule_add": ("security_group", "pk", "get"),
    "networks:security_group_rule_edit": ("security_group_rule", "pk", "get"),
    "networks:security_group_rule_delete": ("security_group_rule", "pk", "post"),
    "security-group-detail": ("security_group", "pk", "get"),
    "security-group-detail-delete": ("security_group", "pk", "delete"),
    "security-group-rule-detail": ("security_group_rule", "pk", "get"),
    "security-group-rule-detail-delete": ("security_group_rule", "pk", "delete"),
    "instances:server_detail": ("server", "pk", "get"),
    "instances:server_row": ("server", "pk", "get"),
    "instances:server_console": ("server", "pk", "post"),
    "instances:server_console_log": ("server", "pk", "get"),
    "instances:server_console_log_download": ("server", "pk", "get"),
    "instances:server_action_log": ("server", "pk", "get"),
    "server-detail": ("server", "pk", "get"),
    "server-console": ("server", "pk", "post"),
    "server-console-log": ("server", "pk", "get"),
    "server-action-log": ("server", "pk", "get"),
    "instances:keypair_delete": ("keypair", "pk", "post"),
    "keypair-detail": ("keypair", "pk", "get"),
    "keypair-detail-delete": ("keypair", "pk", "delete"),
    "networks:port_detail": ("port", "pk", "get"),
    "networks:port_update": ("port", "pk", "get"),
    "networks:port_delete": ("port", "pk", "post"),
    "port-detail": ("port", "pk", "get"),
    "port-detail-delete": ("port", "pk", "delete"),
    "networks:floating_ip_detail": ("floating_ip", "pk", "get"),
    "networks:floating_ip_associate": ("floating_ip", "pk", "get"),
    "networks:floating_ip_disassociate": ("floating_ip", "pk", "post"),
    "floating-ip-associate": ("floating_ip", "pk", "post"),
    "floating-ip-disassociate": ("floating_ip", "pk", "post"),
    "networks:port_forwarding_create": ("floating_ip", "pk", "get"),
    "networks:port_forwarding_delete": ("port_forwarding", "pk", "post"),
    "port-forwarding-detail": ("port_forwarding", "pk", "get"),
    "port-forwarding-detail-delete": ("port_forwarding", "pk", "delete"),
    # Server lifecycle actions: a POST each, or a form page (GET) for those with options.
    "instances:server_start": ("server", "pk", "post"),
    "instances:server_stop": ("server", "pk", "post"),
    "instances:server_reboot": ("server", "pk", "post"),
    "instances:server_reboot_hard": ("server", "pk", "post"),
    "instances:server_pause": ("server", "pk", "post"),
    "instances:server_unpause": ("server", "pk", "post"),
    "instances:server_suspend": ("server", "pk", "post"),
    "instances:server_resume": ("server", "pk", "post"),
    "instances:server_lock": ("server", "pk", "post"),
    "instances:server_unlock": ("server", "pk", "post"),
    "instances:server_rescue": ("server", "pk", "post"),
    "instances:server_unrescue": ("server", "pk", "post"),
    "instances:server_shelve": ("server", "pk", "post"),
    "instances:server_unshelve": ("server", "pk", "post"),
    "instances:server_resize_confirm": ("server", "pk", "post"),
    "instances:server_resize_revert": ("server", "pk", "post"),
    "instances:server_delete": ("server", "pk", "post"),
    "instances:server_resize": ("server", "pk", "get"),
    "instances:server_rebuild": ("server", "pk", "get"),
    "instances:server_rename": ("server", "pk", "get"),
    "instances:server_snapshot": ("server", "pk", "get"),
    "instances:server_security_groups": ("server", "pk", "get"),
    "instances:server_interface_attach": ("server", "pk", "get"),
    "instances:server_interface_detach": ("server", "pk", "get"),
    "instances:server_floating_ip_associate": ("server", "pk", "get"),
    "instances:server_floating_ip_disassociate": ("server", "pk", "get"),
    "server-action-start": ("server", "pk", "post"),
    "server-action-stop": ("server", "pk", "post"),
    "server-action-reboot": ("server", "pk", "post"),
    "server-action-reboot-hard": ("server", "pk", "post"),
    "server-action-pause": ("server", "pk", "post"),
    "server-action-unpause": ("server", "pk", "post"),
    "server-action-suspend": ("server", "pk", "post"),
    "server-action-resume": ("server", "pk", "post"),
    "server-action-lock": ("server", "pk", "post"),
    "server-action-unlock": ("server", "pk", "post"),
    "server-action-rescue": ("server", "pk", "post"),
    "server-action-unrescue": ("server", "pk", "post"),
    "server-action-shelve": ("server", "pk", "post"),
    "server-action-unshelve": ("server", "pk", "post"),
    "server-action-resize-confirm": ("server", "pk", "post"),
    "server-action-resize-revert": ("server", "pk", "post"),
    "server-action-delete-server": ("server", "pk", "post"),
    "server-action-resize": ("server", "pk", "post"),
    "server-action-rebuild": ("server", "pk", "post"),
    "server-action-rename": ("server", "pk", "post"),
    "server-action-snapshot": ("server", "pk", "post"),
    "server-action-security-groups": ("server", "pk", "post"),
    "server-action-interface-attach": ("server", "pk", "post"),
    "server-action-interface-detach": ("server", "pk", "post"),
    "server-action-floating-ip-associate": ("server", "pk", "post"),
    "server-action-floating-ip-disassociate": ("server", "pk", "post"),
}
# Administrators' routes take any project's id; everyone else is refused them (403).
# route name -> (its URL argument, the HTTP methods to try)
ADMIN_ROUTES = {
    "tenants:admin_quota_edit": ("project_id", ("get", "post")),
    "admin-quota-detail": ("project_id", ("get", "put", "patch")),
}
# Bulk actions take the selected ids in the POST body (`pk`): route name -> kind of object.
BULK_ROUTES = {
    "networks:network_bulk_delete": "network",
    "networks:floating_ip_bulk_delete": "floating_ip",
    "networks:router_bulk_delete": "router",
    "networks:subnet_bulk_delete": "subnet",
    "networks:security_group_bulk_delete": "security_group",
    "networks:security_group_rule_bulk_delete": "security_group_rule",
    "instances:keypair_bulk_delete": "keypair",
    "networks:port_bulk_delete": "port",
    "instances:server_bulk_start": "server",
    "instances:server_bulk_stop": "server",
    "instances:server_bulk_reboot": "server",
    "instances:server_bulk_delete": "server",
}
LIST_URLS = [
    "/api/quotas/",
    "/network/networks/",
    "/network/floating-ips/",
    "/activity/",
    "/api/networks/",
    "/api/floating-ips/",
    "/api/operations/",
    "/network/routers/",
    "/api/routers/",
    "/network/routers/",
    "/api/routers/",
    "/network/subnets/",
    "/api/subnets/",
    "/api/subnet-pools/",
    "/network/security-groups/",
    "/api/security-groups/",
    "/api/security-group-rules/",
    "/compute/instances/",
    "/compute/instances/launch/",
    "/api/servers/",
    "/compute/key-pairs/",
    "/api/keypairs/",
    "/network/ports/",
    "/api/ports/",
    "/api/port-forwardings/",
]


def named_routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(name, pattern) of every named route, with its namespace."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from named_routes(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", str(entry.pattern)


@pytest.fixture
def foreign_objects() -> dict[str, Any]:
    network = NetworkFactory(project_id=OTHER_PROJECT, name="their-network")
    security_group = SecurityGroupFactory(project_id=OTHER_PROJECT, name="their-network-sg")
    port = PortFactory(project_id=OTHER_PROJECT, network=network, name="their-network-port")
    floating_ip = FloatingIPFactory(
        project_id=OTHER_PROJECT, floating_ip_address="203.0.113.199", floating_network=None
    )
    return {
        "port": port,
        "port_forwarding": PortForwardingFactory(
            project_id=OTHER_PROJECT, floating_ip=floating_ip, internal_port=port
        ),
        "security_group": security_group,
        "security_group_rule": SecurityGroupRuleFactory(
            project_id=OTHER_PROJECT, security_group=security_group
        ),
        "network": network,
        "subnet": SubnetFactory(
            project_id=OTHER_PROJECT, network=network, name="their-network-v4", cidr="10.77.0.0/24"
        ),
        "subnet_pool": SubnetPoolFactory(project_id=OTHER_PROJECT, name="their-network-pool"),
        "router": RouterFactory(project_id=OTHER_PROJECT, name="their-network-router"),
        "floating_ip": floating_ip,
        "server": ServerFactory(project_id=OTHER_PROJECT, name="their-network-server"),
        # Key pairs belong to users: another user's, whatever the project.
        "keypair": KeyPairFactory(user_id="someone", name="their-network-key"),
        "quota": QuotaFactory(project_id=OTHER_PROJECT),
        "operation": Operation.objects.create(
            action="networks.network_create",
            description="Create network “their-network”",
            target_type="network",
            project_id=OTHER_PROJECT,
            user_id="someone",
            user_name="someone",
        ),
    }


def test_every_route_with_an_object_id_is_covered_here() -> None:
    with_ids = {
        name for name, pattern in named_routes(get_resolver().url_patterns) if "<" in pattern
    }

    covered = {name.removesuffix("-delete") for name in OBJECT_ROUTES} | set(ADMIN_ROUTES)
    assert with_ids - {"tenants:switch_project"} <= covered, (
        "Add the new routes to OBJECT_ROUTES so their isolation is tested."
    )


@pytest.mark.parametrize("route", sorted(OBJECT_ROUTES))
def test_another_projects_object_is_not_found(
    signed_in: Client, foreign_objects: dict[str, Any], route: str
) -> None:
    kind, argument, method = OBJECT_ROUTES[route]
    url = reverse(route.removesuffix("-delete"), kwargs={argument: foreign_objects[kind].pk})

    response = getattr(signed_in, method)(url, headers={"HX-Request": "true"})

    assert response.status_code == 404
    assert Operation.objects.filter(project_id__in=["", OTHER_PROJECT]).count() == 1


@pytest.mark.parametrize("url", LIST_URLS)
def test_lists_never_show_another_projects_rows(
    signed_in: Client, foreign_objects: dict[str, Any], url: str
) -> None:
    body = signed_in.get(url).content.decode()

    for obj in foreign_objects.values():
        assert str(obj.pk) not in body
    assert "their-network" not in body
    assert "203.0.113.199" not in body


def test_every_bulk_route_is_covered_here() -> None:
    bulk = {name for name, _ in named_routes(get_resolver().url_patterns) if "bulk" in name}

    assert bulk <= set(BULK_ROUTES), "Add the new bulk routes to BULK_ROUTES."


@pytest.mark.parametrize("route", sorted(BULK_ROUTES))
def test_bulk_actions_skip_another_projects_objects(
    signed_in: Client, foreign_objects: dict[str, Any], route: str
) -> None:
    response = signed_in.post(
        reverse(route),
        {"pk": [foreign_objects[BULK_ROUTES[route]].pk]},
        headers={"HX-Request": "true"},
    )

    assert "Select at least one row first." in response.content.decode()
    assert Operation.objects.filter(project_id__in=["", OTHER_PROJECT]).count() == 1


@pytest.mark.parametrize("route", sorted(ADMIN_ROUTES))
def test_admin_routes_refuse_everyone_else(
    signed_in: Client, foreign_objects: dict[str, Any], route: str
) -> None:
    argument, methods = ADMIN_ROUTES[route]
    url = reverse(route, kwargs={argument: OTHER_PROJECT})

    for method in methods:
        response = getattr(signed_in, method)(url, headers={"HX-Request": "true"})
        assert response.status_code == 403, method
    assert Operation.objects.filter(project_id__in=["", OTHER_PROJECT]).count() == 1
