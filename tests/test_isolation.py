"""Multi-tenancy: a user never sees or touches another project's rows, on any page, partial or
API endpoint. Every route that takes an object id must be listed here, or the meta-test fails.

Shared and external networks are where projects meet: every page, partial and API endpoint
reachable for one (every route without an id, and every route taking a network's or subnet's id)
is read as a second tenant while a first tenant has a router gateway, a floating IP, router
interfaces and an instance on them; nothing of the first tenant may show.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from instances.factories import KeyPairFactory, ServerFactory
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    PortForwardingFactory,
    RBACPolicyFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SecurityGroupFactory,
    SecurityGroupRuleFactory,
    SubnetFactory,
    SubnetPoolFactory,
)
from tenants.factories import QuotaFactory
from tenants.models import Application, ExtensionRequest, Invitation, QuotaRequest

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
    "networks:port_rename": ("port", "pk", "get"),
    "port-detail": ("port", "pk", "get"),
    "port-rename": ("port", "pk", "post"),
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
    "server-start": ("server", "pk", "post"),
    "server-stop": ("server", "pk", "post"),
    "server-reboot": ("server", "pk", "post"),
    "server-reboot-hard": ("server", "pk", "post"),
    "server-pause": ("server", "pk", "post"),
    "server-unpause": ("server", "pk", "post"),
    "server-suspend": ("server", "pk", "post"),
    "server-resume": ("server", "pk", "post"),
    "server-lock": ("server", "pk", "post"),
    "server-unlock": ("server", "pk", "post"),
    "server-rescue": ("server", "pk", "post"),
    "server-unrescue": ("server", "pk", "post"),
    "server-shelve": ("server", "pk", "post"),
    "server-unshelve": ("server", "pk", "post"),
    "server-resize-confirm": ("server", "pk", "post"),
    "server-resize-revert": ("server", "pk", "post"),
    "server-delete-server": ("server", "pk", "post"),
    "server-resize": ("server", "pk", "post"),
    "server-rebuild": ("server", "pk", "post"),
    "server-rename": ("server", "pk", "post"),
    "server-snapshot": ("server", "pk", "post"),
    "server-security-groups": ("server", "pk", "post"),
    "server-interface-attach": ("server", "pk", "post"),
    "server-interface-detach": ("server", "pk", "post"),
    "server-floating-ip-associate": ("server", "pk", "post"),
    "server-floating-ip-disassociate": ("server", "pk", "post"),
    "tenants:invitation_revoke": ("invitation", "pk", "post"),
    # Only the browser that started accepting an invitation may follow it.
    "tenants:invitation_status": ("operation", "operation_id", "get"),
}
# Administrators' routes take any project's id or one of its requests; everyone else is refused
# them (403). route name -> (kind of object in the URL or "" for the project's id, its URL
# argument, the HTTP methods to try)
ADMIN_ROUTES = {
    "tenants:admin_quota_edit": ("", "project_id", ("get", "post")),
    "admin-quota-detail": ("", "project_id", ("get", "put", "patch")),
    "tenants:admin_request_quota": ("quota_request", "pk", ("get", "post")),
    "tenants:admin_request_extension": ("extension_request", "pk", ("get", "post")),
    "tenants:admin_application": ("application", "pk", ("get", "post")),
}
# Routes that take no object of any project: the scripts' catalog names a language and a
# version; a mailed link's secret is itself what lets its holder in (its tests: expired,
# reused and revoked links in tenants/tests/test_invitations.py).
NO_OBJECT_ROUTES = {"tenants:switch_project", "javascript_catalog", "tenants:link"}
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
    request_fields = {
        "project_name": "their-network-project",
        "requested_by_user_id": "someone",
        "requested_by_name": "someone",
        "reason": "their-network needs more",
    }
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
        "invitation": Invitation.objects.create(
            project_id=OTHER_PROJECT,
            project_name="their-network-project",
            email="their-network@example.org",
            role="member",
            invited_by_user_id="someone",
            invited_by_name="someone",
        ),
        "quota_request": QuotaRequest.objects.create(
            project_id=OTHER_PROJECT, values={"compute:cores": 8}, **request_fields
        ),
        "extension_request": ExtensionRequest.objects.create(
            project_id=OTHER_PROJECT, days=7, **request_fields
        ),
        "application": Application.objects.create(
            name="their-network applicant",
            email="their-network-applicant@example.org",
            status=Application.Status.PENDING,
        ),
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
    assert with_ids - NO_OBJECT_ROUTES <= covered, (
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
    kind, argument, methods = ADMIN_ROUTES[route]
    value = foreign_objects[kind].pk if kind else OTHER_PROJECT
    url = reverse(route, kwargs={argument: value})

    for method in methods:
        response = getattr(signed_in, method)(url, headers={"HX-Request": "true"})
        assert response.status_code == 403, method
    assert Operation.objects.filter(project_id__in=["", OTHER_PROJECT]).count() == 1


# Where projects meet: the objects of these kinds that other projects own but a tenant sees.
SHARED_KINDS = ("network", "subnet")
# Routes without an id that are not read: signing out would end the session under test; the
# API schema describes the endpoints and holds no rows.
UNREAD_ROUTES = {"tenants:logout", "api_schema"}


def shared_object_routes() -> list[tuple[str, str]]:
    """(route, kind) of every route a tenant reads a shared object through: those without an id
    (lists, forms, partials, the topology; kind "") and those taking a network's or subnet's."""
    routes = []
    for name, pattern in named_routes(get_resolver().url_patterns):
        if "<" not in pattern:
            if name not in UNREAD_ROUTES:
                routes.append((name, ""))
        elif name in OBJECT_ROUTES and OBJECT_ROUTES[name][0] in SHARED_KINDS:
            routes.append((name, OBJECT_ROUTES[name][0]))
    return sorted(set(routes))


@pytest.fixture
def first_tenant_on_shared_networks(account: KeystoneAccount) -> dict[str, Any]:
    """An external network, a network shared with everyone and one shared (by RBAC) with the
    signed-in project only, each with a subnet and with the signed-in project's own port;
    a first tenant (OTHER_PROJECT) has its router's gateway and interfaces, a floating IP and an
    instance's ports on them. Returns the shared objects and the first tenant's secrets."""
    project = account.project.id
    public = NetworkFactory(project_id="admin-project", name="public", router_external=True)
    public_v4 = SubnetFactory(
        network=public, project_id="admin-project", name="public-v4", cidr="203.0.113.0/24"
    )
    common = NetworkFactory(project_id="admin-project", name="common", shared=True)
    common_v4 = SubnetFactory(
        network=common, project_id="admin-project", name="common-v4", cidr="10.88.0.0/24"
    )
    ours = NetworkFactory(project_id="owner-project", name="shared-with-us", everyone=False)
    RBACPolicyFactory(project_id="owner-project", object_id=ours.id, target_project_id=project)
    ours_v4 = SubnetFactory(
        network=ours, project_id="owner-project", name="shared-with-us-v4", cidr="10.89.0.0/24"
    )
    RouterFactory(project_id=project, name="own-router", external_network=public)
    for network, subnet, address in (
        (public, public_v4, "203.0.113.40"),
        (common, common_v4, "10.88.0.40"),
        (ours, ours_v4, "10.89.0.40"),
    ):
        PortFactory(
            project_id=project,
            network=network,
            device_owner="compute:nova",
            fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
        )

    router = RouterFactory(
        project_id=OTHER_PROJECT,
        name="first-tenant-router",
        external_network=public,
        external_gateway_info={
            "network_id": public.id,
            "enable_snat": True,
            "external_fixed_ips": [{"subnet_id": public_v4.id, "ip_address": "203.0.113.77"}],
        },
    )
    gateway = PortFactory(
        project_id=OTHER_PROJECT,
        network=public,
        name="first-tenant-gateway",
        device_owner="network:router_gateway",
        device_id=router.id,
        fixed_ips=[{"subnet_id": public_v4.id, "ip_address": "203.0.113.77"}],
    )
    server = ServerFactory(project_id=OTHER_PROJECT, name="first-tenant-server")
    security_group = SecurityGroupFactory(project_id=OTHER_PROJECT, name="first-tenant-sg")
    nics = [
        PortFactory(
            project_id=OTHER_PROJECT,
            network=network,
            name=f"first-tenant-nic-{index}",
            device_id=str(server.pk),
            security_group_ids=[security_group.id],
            fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
        )
        for index, (network, subnet, address) in enumerate(
            [(common, common_v4, "10.88.0.77"), (ours, ours_v4, "10.89.0.77")]
        )
    ]
    interfaces = [
        RouterInterfaceFactory(
            project_id=OTHER_PROJECT,
            router=router,
            network=network,
            fixed_ips=[{"subnet_id": subnet.id, "ip_address": address}],
        )
        for network, subnet, address in (
            (common, common_v4, "10.88.0.78"),
            (ours, ours_v4, "10.89.0.78"),
        )
    ]
    floating_ip_port = PortFactory(
        project_id=OTHER_PROJECT,
        network=public,
        device_owner="network:floatingip",
        fixed_ips=[{"subnet_id": public_v4.id, "ip_address": "203.0.113.79"}],
    )
    floating_ip = FloatingIPFactory(
        project_id=OTHER_PROJECT,
        floating_network=public,
        floating_ip_address="203.0.113.79",
        port=nics[0],
        fixed_ip_address="10.88.0.77",
        router=router,
    )
    floating_ip_port.device_id = floating_ip.id
    floating_ip_port.save()
    ports = [gateway, *nics, *interfaces, floating_ip_port]
    secrets = {
        OTHER_PROJECT,
        router.id,
        router.name,
        str(server.pk),
        server.name,
        security_group.id,
        security_group.name,
        floating_ip.id,
        *(value for port in ports for value in (port.id, port.mac_address)),
        *(port.name for port in ports if port.name),
        *(ip["ip_address"] for port in ports for ip in port.fixed_ips),
    }
    return {
        "objects": {
            "network": [public, common, ours],
            "subnet": [public_v4, common_v4, ours_v4],
        },
        "secrets": secrets,
    }


def test_the_second_tenant_sees_the_shared_networks_the_sweep_reads(
    signed_in: Client, first_tenant_on_shared_networks: dict[str, Any]
) -> None:
    """The sweep below proves something only if the tenant does see those networks."""
    listed = {row["name"] for row in signed_in.get("/api/networks/").json()["results"]}

    assert listed >= {"public", "common", "shared-with-us"}
    for network, own_address in zip(
        first_tenant_on_shared_networks["objects"]["network"],
        ("203.0.113.40", "10.88.0.40", "10.89.0.40"),
        strict=True,
    ):
        assert own_address in signed_in.get(f"/network/networks/{network.pk}/").content.decode()


@pytest.mark.parametrize(("route", "kind"), shared_object_routes())
def test_shared_and_external_networks_show_nothing_of_the_first_tenant(
    signed_in: Client, first_tenant_on_shared_networks: dict[str, Any], route: str, kind: str
) -> None:
    shared = first_tenant_on_shared_networks["objects"]
    if kind:
        argument = OBJECT_ROUTES[route][1]
        urls = [reverse(route, kwargs={argument: obj.pk}) for obj in shared[kind]]
    else:
        # Unfiltered, and filtered by each shared network wherever a list takes a network.
        urls = [reverse(route)] + [
            f"{reverse(route)}?network={network.pk}&floating_network={network.pk}"
            f"&external_network={network.pk}"
            for network in shared["network"]
        ]

    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = signed_in.get(url, headers=headers)
            assert response.status_code < 500, url
            body = response.content.decode()
            leaked = sorted(s for s in first_tenant_on_shared_networks["secrets"] if s in body)
            assert not leaked, f"{url} ({'htmx' if headers else 'page'}) shows {leaked}"
