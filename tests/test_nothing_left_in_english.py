"""Nothing left in English: every page the URL conf names, its form errors and refusals, and the
API's error answers, read by a zh-hans tenant and a zh-hans administrator against the local cloud,
show no run of two or more English words outside object names and OpenStack's own texts
(tests/english.py says what counts).

A small world is made once for the module: a network with a Chinese name, its subnet, a router
with a gateway and an interface, a port, a floating IP with a port forwarding, a security group
with a rule, a key pair, a server, and a succeeded and a failed operation (run through the real
task). Each case is one visit (a page, an invalid form, a button's POST, an API call) inside the
test's transaction, so nothing it starts is ever sent to a worker. `test_every_named_route_is_read`
fails when a route is neither visited here nor skipped with a reason: a new page cannot slip past.
"""

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dashboard.operations.models import Operation
from dashboard.operations.tasks import run_operation_task
from dashboard.testing.fixtures import KeystoneAccount, _accounts
from dashboard.testing.resources import HTMX
from dashboard.testing.waiting import wait_until
from instances.models import KeyPair
from instances.reconcile import (
    reconcile_flavors,
    reconcile_images,
    reconcile_keypairs,
    reconcile_servers,
)
from instances.tests.keys import delete_user_keypairs, new_public_key
from networks.reconcile import reconcile_all, reconcile_networks, reconcile_subnets
from tenants.models import (
    Application,
    ExtensionRequest,
    Invitation,
    OneTimeLink,
    Project,
    QuotaRequest,
    Trial,
)
from tenants.reconcile import reconcile_projects, reconcile_quota_defaults, reconcile_quotas
from tenants.services.links import link_issue
from tests.english import english_in, json_texts, visible_texts

pytestmark = [pytest.mark.cloud, pytest.mark.django_db]

ZH = {"Accept-Language": "zh-hans"}
JSON = "application/json"
NETWORK_NAME = "测试网络"


# ---- the world the pages show -----------------------------------------------------------------


@dataclass
class World:
    """What the pages show: two signed-in zh-hans clients and the ids of the objects made."""

    tenant: Client
    admin: Client
    anonymous: Client
    account: KeystoneAccount
    ids: dict[str, str] = field(default_factory=dict)
    # Names and texts that are not ours: object names from the cloud, OpenStack's own messages.
    allowed: set[str] = field(default_factory=set)


def _signed_in(account: KeystoneAccount) -> Client:
    client = Client(headers=ZH)
    response = client.post("/auth/login/", account.credentials())
    assert response.status_code == 302, response.content.decode()
    return client


def _run(operation_id: str) -> Operation:
    """Run the operation's task here, as a worker would, and return it finished."""
    operation = Operation.objects.get(pk=operation_id)
    run_operation_task.apply(args=(str(operation.id),), task_id=str(operation.task_id))
    operation.refresh_from_db()
    assert operation.status in (Operation.Status.SUCCEEDED, Operation.Status.FAILED)
    return operation


def _newest_operation() -> str:
    newest = Operation.objects.order_by("-created_at").first()
    assert newest is not None, "the form started no operation"
    return str(newest.pk)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, cloud: Any) -> Iterator[World]:
    """The module's objects, in the cloud and in the (committed) mirror; all gone at the end."""
    undo: list[tuple[str, Callable[[], Any]]] = []
    # The tenant's project is a trial with lifetimes: every page shows its banner, instances and
    # floating IPs their badges, the admin's dry run what comes.
    lifetimes = override_settings(TRIAL_SERVER_LIFETIME_HOURS=24, TRIAL_FLOATING_IP_IDLE_HOURS=12)
    with django_db_blocker.unblock(), _accounts(cloud) as make, lifetimes:
        account = make()
        admin_account = make(roles=("admin", "member"))
        project = account.project.id
        try:
            yield _make_world(cloud, account, admin_account, undo)
        finally:
            # Last made, first gone; every step is tried, and any that failed is reported.
            failures = []
            for what, step in reversed(undo):
                try:
                    step()
                except Exception as error:  # the rest must still be undone
                    failures.append(f"{what}: {error}")
            delete_user_keypairs(cloud, account.user_id)
            call_command("flush", interactive=False, verbosity=0)
            assert not failures, f"The world of project {project} was not all deleted: {failures}"


def _make_world(
    cloud: Any,
    account: KeystoneAccount,
    admin_account: KeystoneAccount,
    undo: list[tuple[str, Callable[[], Any]]],
) -> World:
    project = account.project.id
    net = cloud.network
    public = net.find_network("public", ignore_missing=False)
    network = net.create_network(name=NETWORK_NAME, project_id=project)
    undo.append(("delete the network", lambda: net.delete_network(network, ignore_missing=True)))
    subnet = net.create_subnet(
        name="测试子网",
        network_id=network.id,
        cidr="10.77.0.0/24",
        ip_version=4,
        project_id=project,
    )
    router = net.create_router(
        name="测试路由器", project_id=project, external_gateway_info={"network_id": public.id}
    )
    undo.append(("delete the router", lambda: net.delete_router(router, ignore_missing=True)))
    net.add_interface_to_router(router, subnet_id=subnet.id)
    undo.append(
        (
            "remove the router interface",
            lambda: net.remove_interface_from_router(router, subnet_id=subnet.id),
        )
    )
    port = net.create_port(name="测试端口", network_id=network.id, project_id=project)
    undo.append(("delete the port", lambda: net.delete_port(port, ignore_missing=True)))
    floating_ip = net.create_ip(floating_network_id=public.id, project_id=project)
    undo.append(("release a floating IP", lambda: net.delete_ip(floating_ip, ignore_missing=True)))
    forwarded_ip = net.create_ip(floating_network_id=public.id, project_id=project)
    undo.append(
        (
            "release the forwarded floating IP",
            lambda: net.delete_ip(forwarded_ip, ignore_missing=True),
        )
    )
    forwarding = net.create_port_forwarding(
        floatingip_id=forwarded_ip.id,
        internal_port_id=port.id,
        internal_ip_address=port.fixed_ips[0]["ip_address"],
        internal_port=22,
        external_port=2222,
        protocol="tcp",
    )
    undo.append(
        (
            "delete the port forwarding",
            lambda: net.delete_port_forwarding(forwarding, forwarded_ip.id, ignore_missing=True),
        )
    )
    group = net.create_security_group(name="测试安全组", project_id=project)
    undo.append(
        ("delete the security group", lambda: net.delete_security_group(group, ignore_missing=True))
    )
    rule = net.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
        remote_ip_prefix="0.0.0.0/0",
        project_id=project,
    )
    keypair = cloud.compute.create_keypair(
        name="key-77", public_key=new_public_key(), user_id=account.user_id
    )
    image = cloud.image.find_image("cirros-fake", ignore_missing=False)
    flavor = cloud.compute.find_flavor("m1.nano", ignore_missing=False)
    tenant_compute = _tenant_sdk(account)
    server = tenant_compute.create_server(
        name="测试实例", image_id=image.id, flavor_id=flavor.id, networks=[{"uuid": network.id}]
    )
    undo.append(
        ("wait for the server to go", lambda: cloud.compute.wait_for_delete(server, wait=120))
    )
    undo.append(
        ("delete the server", lambda: cloud.compute.delete_server(server.id, ignore_missing=True))
    )
    wait_until(
        lambda: cloud.compute.get_server(server.id).status == "ACTIVE" or None,
        timeout=120,
        what="the server becoming ACTIVE",
    )

    reconcile_projects(conn=cloud, ids=[project, admin_account.project.id])
    reconcile_all(conn=cloud, project_id=project)
    reconcile_networks(conn=cloud, ids=[public.id])
    reconcile_subnets(conn=cloud, project_id=public.project_id)
    reconcile_images(conn=cloud, ids=[image.id])
    reconcile_flavors(conn=cloud)
    reconcile_servers(conn=cloud, project_id=project)
    reconcile_keypairs(conn=cloud, user_id=account.user_id)
    reconcile_quotas(conn=cloud, project_id=project)
    reconcile_quota_defaults(conn=cloud)

    invitation, invitation_link = _invitation(account)
    application, verify_link, password_link = _application()
    world = World(
        tenant=_signed_in(account),
        admin=_signed_in(admin_account),
        anonymous=Client(headers=ZH),
        account=account,
    )
    world.ids = {
        "project": project,
        "network": network.id,
        "subnet": subnet.id,
        "router": router.id,
        "port": port.id,
        "floating_ip": floating_ip.id,
        "floating_ip_forwarded": forwarded_ip.id,
        "port_forwarding": forwarding.id,
        "security_group": group.id,
        "security_group_rule": rule.id,
        "keypair": KeyPair.objects.get(user_id=account.user_id, name=keypair.name).pk,
        "server": server.id,
        "invitation": str(invitation.pk),
        "invitation_link": invitation_link,
        "application": str(application.pk),
        "verify_link": verify_link,
        "password_link": password_link,
    }
    # A succeeded operation (the router renamed to its own name) and a failed one (a rule equal
    # to one the group has in the cloud but not yet in the mirror: Neutron refuses it).
    edit = world.tenant.post(f"/network/routers/{router.id}/edit/", {"name": router.name})
    assert edit.status_code in (200, 302), edit.content.decode()
    world.ids["operation"] = str(_run(_newest_operation()).pk)
    net.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        ethertype="IPv4",
        protocol="tcp",
        port_range_min=80,
        port_range_max=80,
        remote_ip_prefix="0.0.0.0/0",
        project_id=project,
    )
    duplicate = world.tenant.post(
        f"/network/security-groups/{group.id}/rules/add/",
        {
            "direction": "ingress",
            "ethertype": "IPv4",
            "protocol": "tcp",
            "port_range_min": 80,
            "port_range_max": 80,
            "remote_ip_prefix": "0.0.0.0/0",
        },
    )
    assert duplicate.status_code in (200, 302), duplicate.content.decode()
    failed = _run(_newest_operation())
    assert failed.status == Operation.Status.FAILED, failed.error_message
    world.ids["failed_operation"] = str(failed.pk)
    # A tenant's requests, one of each kind, for the tenant's pages and the admin queue.
    asked = {
        "project_id": project,
        "project_name": account.project.name,
        "requested_by_user_id": account.user_id,
        "requested_by_name": account.username,
        "reason": "需要更多资源做测试",
    }
    world.ids["quota_request"] = str(
        QuotaRequest.objects.create(
            **asked,
            values={"compute:cores": 99},
            current={"compute:cores": {"limit": 20, "in_use": 1}},
        ).pk
    )
    world.ids["extension_request"] = str(ExtensionRequest.objects.create(**asked, days=10).pk)
    Project.objects.filter(pk=project).update(tags=["trial"])
    Trial.objects.create(
        project_id=project,
        project_name=account.project.name,
        ends_at=timezone.now() + timedelta(days=3),
    )
    assert world.ids.keys() == WORLD_KINDS

    world.allowed |= {
        account.username,
        account.project.name,
        admin_account.username,
        admin_account.project.name,
        invitation.email,
        application.email,
        application.username,
        "public",
        "default",
        image.name,
        flavor.name,
        # Keystone's role names (the overview lists the session's roles).
        *(role.name for role in cloud.identity.roles()),
        *(f.name for f in cloud.compute.flavors()),
        *(i.name for i in cloud.image.images()),
        # Descriptions the cloud wrote itself ("Default security group").
        *(g.description for g in net.security_groups(project_id=project) if g.description),
        *(r.description for r in net.security_group_rules(project_id=project) if r.description),
    }
    return world


def _invitation(account: KeystoneAccount) -> tuple[Invitation, str]:
    """An invitation into the tenant's project and its link's secret (no mail is sent)."""
    invitation = Invitation.objects.create(
        project_id=account.project.id,
        project_name=account.project.name,
        email=f"invited-{secrets.token_hex(4)}@example.org",
        role="member",
        invited_by_user_id=account.user_id,
        invited_by_name=account.username,
    )
    url = link_issue(
        purpose=OneTimeLink.Purpose.INVITATION, invitation=invitation, lifetime=timedelta(days=1)
    )
    return invitation, url.rstrip("/").rsplit("/", 1)[-1]


def _application() -> tuple[Application, str, str]:
    """A verified sign-up waiting for an administrator, and its two links' secrets (verify the
    email, choose a password; no mail is sent)."""
    email = f"applicant-{secrets.token_hex(4)}@example.org"
    application = Application.objects.create(
        name="张三",
        email=email,
        organisation="测试大学",
        purpose="试用云主机",
        language="zh-hans",
        username=email,
        status=Application.Status.PENDING,
        verified_at=timezone.now(),
    )
    secrets_of = [
        link_issue(
            purpose=purpose, application=application, lifetime=timedelta(days=1), user_id=user_id
        )
        .rstrip("/")
        .rsplit("/", 1)[-1]
        for purpose, user_id in (
            (OneTimeLink.Purpose.VERIFY_EMAIL, ""),
            (OneTimeLink.Purpose.SET_PASSWORD, "a-user-id"),
        )
    ]
    return application, secrets_of[0], secrets_of[1]


def _tenant_sdk(account: KeystoneAccount) -> Any:
    """The tenant's own compute connection (Nova makes the server in the tenant's project)."""
    from dashboard.cloud import identity
    from dashboard.cloud.connection import user_connection

    unscoped = identity.password_login(
        username=account.username, password=account.password, domain=account.domain
    )
    scoped = identity.scoped_token(token=unscoped.token, project_id=account.project.id)
    return user_connection(token=scoped.token, project_id=account.project.id).compute


# ---- what is read, route by route -------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One request a person (or a program) makes, and what is read in its answer."""

    route: str
    method: str = "get"
    who: str = "tenant"  # tenant, admin or anonymous
    arg: str = ""  # the world's id of this kind fills the route's argument; "-" a missing one
    data: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    variant: str = ""
    # The status a page read must answer (a POST's answer may be anything but a server error).
    status: int = 200

    @property
    def id(self) -> str:
        return f"{self.route} {self.method.upper()}{f' {self.variant}' if self.variant else ''}"


# Routes whose answer is not prose for people, each with the reason.
SKIPPED = {
    "tenants:clouds_yaml": "a clouds.yaml file for the OpenStack CLI: keys and the cloud's values",
    "tenants:openrc": "a shell script for the OpenStack CLI",
    "tenants:logout": "signs out and redirects to the sign-in page (read as tenants:login)",
    "tenants:switch_project": "switches project and redirects to the overview (read)",
    "mirror:version": "a version number for live.js, or 204",
    "networks:topology_data": "the graph as JSON for topology.js: names, ids, addresses; its "
    "labels come from the JavaScript catalog (catalog checks, browser story)",
    "instances:server_console_log_download": "the console log as a file: the server's own text",
    "api_schema": "the OpenAPI document for programs",
    "javascript_catalog": "JavaScript; its translations are checked with the catalogs",
    "healthz": "`ok` or the failing parts' names, for load balancers",
    "favicon": "a redirect to the icon",
}
# Kinds of object a route's argument names, by the route's name (longest first).
KINDS = [
    "port_forwarding",
    "security_group_rule",
    "security_group",
    "floating_ip",
    "subnet_pool",
    "subnet",
    "network",
    "port",
    "router",
    "server",
    "keypair",
    "operation",
    "quota",
]
# Form pages (GET shows the form; POST {} gets its errors) by the last word of the route's name.
FORM_ACTIONS = (
    "create",
    "edit",
    "update",
    "rename",
    "gateway",
    "interface_add",
    "interface_remove",
    "route_add",
    "route_remove",
    "associate",
    "port_forwarding_create",
    "rule_add",
    "rule_edit",
    "launch",
    "import",
    "resize",
    "rebuild",
    "snapshot",
    "security_groups",
    "interface_attach",
    "interface_detach",
    "floating_ip_disassociate",
    "admin_quota_edit",
    "admin_quota_defaults",
    "settings",
    # Tenants' requests, and an administrator's decision on one (issue 16).
    "quota_request",
    "extension_request",
    "admin_request_quota",
    "admin_request_extension",
)
# Invalid data with an error of the form's own (not only "required"), where one is easy to make.
INVALID = {
    "networks:network_create": {"name": "x", "cidr": "10.0.0.0/33"},
    "networks:subnet_create": {"name": "x", "cidr": "10.77.0.0/25", "ip_version": "4"},
    "networks:router_route_add": {"destination": "192.168.1.0/24", "nexthop": "172.31.0.1"},
    "networks:security_group_rule_add": {
        "protocol": "tcp",
        "port_range_min": "90",
        "port_range_max": "80",
    },
    "instances:keypair_import": {"name": "k", "public_key": "not a key"},
    "instances:server_launch": {"name": "x", "count": "0"},
    # A limit not above the current one, an email that is none (issue 16).
    "tenants:quota_request": {"compute_cores": "0", "email": "nobody"},
    # Rejecting without saying why.
    "tenants:admin_request_quota": {"decision": "reject"},
    "tenants:admin_request_extension": {"decision": "reject"},
    # Invitations (issue 16): a bad email, a role not offered, a language not spoken.
    "tenants:invitation_create": {"email": "x", "role": "admin", "language": "xx"},
    # The user's own settings (issue 15): values none of its fields takes.
    "tenants:settings": {
        "language": "xx",
        "time_zone": "Mars/Olympus_Mons",
        "page_size": "7",
        "theme": "plaid",
    },
}
# Refusals: a change the world's state refuses (the router has an interface, the network
# ports, the floating IP no port): sent from the button, the answer goes to the messages area.
BUTTON_POSTS = ("delete", "bulk_delete", "gateway_clear", "disassociate", "release")


# Routes whose argument is another kind's than their name says.
ARGUMENT_KINDS = {
    "networks:port_forwarding_create": "floating_ip_forwarded",
    "networks:security_group_rule_add": "security_group",
    "networks:floating_ip_delete": "floating_ip_forwarded",
    "tenants:admin_request_quota": "quota_request",
    "tenants:admin_request_extension": "extension_request",
}
# Kinds the world has none of: only their 404 is read.
ABSENT_KINDS = {"subnet_pool"}
# The kinds of object the world makes (World.ids); "-" is an id nothing has (a 404).
WORLD_KINDS = {
    "project",
    "network",
    "subnet",
    "router",
    "port",
    "floating_ip",
    "floating_ip_forwarded",
    "port_forwarding",
    "security_group",
    "security_group_rule",
    "keypair",
    "server",
    "operation",
    "failed_operation",
    "quota_request",
    "extension_request",
    "invitation",
    "invitation_link",
    "application",
    "verify_link",
    "password_link",
}


def _kind(route: str) -> str:
    if route in ARGUMENT_KINDS:
        return ARGUMENT_KINDS[route]
    name = route.split(":")[-1].replace("-", "_")
    if route.startswith("tenants:admin_quota") or route.startswith("admin-quota"):
        return "project"
    if route == "operations:operation_status":
        return "operation"
    return next((kind for kind in KINDS if name.startswith(kind)), "")


def named_routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(name, pattern) of every named route of the URL conf, with its namespace."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from named_routes(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry.pattern


def _takes_argument(pattern: Any) -> bool:
    return bool(pattern.regex.groupindex) or "<" in str(pattern)


# Invitations (issue 16): the revoke button, the invitee's status box (only for the browser that
# accepted: 404 for any other) and the accept page behind the invitation's link.
INVITATION_VISITS = [
    Visit("tenants:invitation_revoke", "post", arg="invitation", variant="from its button"),
    Visit("tenants:invitation_revoke", "post", arg="-", variant="404"),
    Visit("tenants:invitation_status", who="anonymous", arg="-", variant="404", status=404),
    Visit("tenants:link", who="anonymous", arg="invitation_link", variant="invitation"),
    Visit(
        "tenants:link",
        "post",
        "anonymous",
        "invitation_link",
        {"username": " ", "password1": "abc", "password2": "abd"},
        variant="invitation, invalid",
    ),
]


# Sign-up (issue 16): the public page and its errors, the administrators' queue, one
# application and the policy, and the pages behind the verification and set-password links.
SIGN_UP_VISITS = [
    Visit("tenants:sign_up", who="anonymous"),
    Visit(
        "tenants:sign_up",
        "post",
        "anonymous",
        data={"email": "x", "language": "xx"},
        variant="invalid",
    ),
    Visit("tenants:sign_up_resend", "post", "anonymous", data={"email": "nobody@example.org"}),
    Visit("tenants:admin_applications", who="admin"),
    Visit("tenants:admin_applications", who="tenant", variant="403", status=403),
    Visit("tenants:admin_applications", "post", "admin", data={"decision": "x"}, variant="invalid"),
    Visit("tenants:admin_application", who="admin", arg="application"),
    Visit("tenants:admin_application", who="admin", arg="-", variant="404", status=404),
    Visit(
        "tenants:admin_application",
        "post",
        "admin",
        "application",
        {"decision": "reject"},
        variant="invalid",
    ),
    Visit("tenants:admin_sign_up_policy", who="admin"),
    Visit(
        "tenants:admin_sign_up_policy",
        "post",
        "admin",
        data={"auto_approve_domains": "x", "daily_cap": "-1"},
        variant="invalid",
    ),
    Visit("tenants:link", who="anonymous", arg="verify_link", variant="verify the email"),
    Visit("tenants:link", who="anonymous", arg="password_link", variant="choose a password"),
    Visit(
        "tenants:link",
        "post",
        "anonymous",
        "password_link",
        {"password1": "abc", "password2": "abd"},
        variant="choose a password, invalid",
    ),
]


def _visits() -> list[Visit]:
    """What is read for every route of the URL conf (the skipped aside)."""
    visits = [
        Visit("tenants:login", who="anonymous"),
        Visit(
            "tenants:login",
            "post",
            "anonymous",
            data={"username": f"nobody-{secrets.token_hex(4)}", "password": "wrong"},
            variant="wrong password",
        ),
        # 403 and 404 pages.
        Visit("tenants:admin_quotas", who="tenant", variant="403", status=403),
        Visit("networks:network_detail", arg="-", variant="404", status=404),
    ]
    visits += INVITATION_VISITS + SIGN_UP_VISITS
    for route, _pattern in named_routes():
        if route in SKIPPED or route in {
            visit.route for visit in INVITATION_VISITS + SIGN_UP_VISITS
        }:
            continue
        api = "-" in route or route.startswith(("quota-usage", "api_"))
        kind = _kind(route)
        admin = "admin" in route
        who = "admin" if admin else "tenant"
        action = route.split(":")[-1]
        if api:
            visits.extend(_api_visits(route, kind, who))
        elif action.endswith(BUTTON_POSTS) or (
            route.startswith("instances:server_") and _is_button(action)
        ):
            data = {"pk": [f"@{kind}"]} if "bulk" in action else {}
            visits.append(Visit(route, "post", who, kind, data, HTMX, "from its button"))
        else:
            visits.append(Visit(route, who=who, arg=kind))
            if action.endswith("_list"):
                visits.append(Visit(route, headers=HTMX, variant="table partial"))
            if action.endswith(FORM_ACTIONS):
                visits.append(
                    Visit(route, "post", who, kind, INVALID.get(route, {}), variant="invalid")
                )
    return visits


SERVER_FORMS = (
    "resize",
    "rebuild",
    "rename",
    "snapshot",
    "security_groups",
    "interface_attach",
    "interface_detach",
    "floating_ip_associate",
    "floating_ip_disassociate",
    "launch",
    "launch_quota",
    "list",
    "detail",
    "row",
    "console_log",
    "action_log",
)


def _is_button(action: str) -> bool:
    return not action.removeprefix("server_").endswith(SERVER_FORMS) or action.endswith(
        "resize_confirm"
    )


def _api_visits(route: str, kind: str, who: str) -> list[Visit]:
    if route.endswith("-list") or route in ("quota-usage", "api_reference"):
        reads = [Visit(route, who=who)]
        if route.endswith("-list") and route not in (
            "operation-list",
            "subnet-pool-list",
            "port-forwarding-list",
            "admin-quota-list",
        ):
            reads.append(Visit(route, "post", who, data={}, variant="invalid"))
        return reads
    if route.endswith("-detail") and kind in ABSENT_KINDS:
        return [Visit(route, who=who, arg="-", variant="404", status=404)]
    if route.endswith("-detail"):
        return [
            Visit(route, who=who, arg=kind),
            Visit(route, who=who, arg="-", variant="404", status=404),
        ]
    method = "put" if route == "router-gateway" else "post"
    return [Visit(route, method, who, kind, data={}, variant="empty")]


MISSING_ID = "00000000-0000-4000-8000-000000000000"


def _url(visit: Visit, world: World) -> str:
    pattern = dict(named_routes())[visit.route]
    if not visit.arg or not _takes_argument(pattern):
        return reverse(visit.route)
    names = list(pattern.regex.groupindex) or [str(pattern).split(":")[-1].split(">")[0]]
    value = MISSING_ID if visit.arg == "-" else world.ids[visit.arg]
    return reverse(visit.route, kwargs={names[0]: value})


VISITS = _visits()


# What an API answer says to people: everything in an error; in a success, these fields.
PROSE_KEYS = {"detail", "description", "error_message", "message"}


def _prose(body: Any, *, error: bool) -> list[str]:
    if error:
        return list(json_texts(body))
    if isinstance(body, list):
        return [text for item in body for text in _prose(item, error=False)]
    if not isinstance(body, dict):
        return []
    texts = [str(body[key]) for key in PROSE_KEYS & body.keys() if body[key]]
    for value in body.values():
        if isinstance(value, dict | list):
            texts.extend(_prose(value, error=False))
    return texts


def read(visit: Visit, world: World) -> tuple[str, int, list[str]]:
    """Make the visit's request in zh-hans; (its URL, the status, the texts a person reads)."""
    client = {"tenant": world.tenant, "admin": world.admin, "anonymous": world.anonymous}[visit.who]
    url = _url(visit, world)
    data = {
        key: [world.ids[v[1:]] if str(v).startswith("@") else v for v in value]
        if isinstance(value, list)
        else value
        for key, value in (visit.data or {}).items()
    }
    api = url.startswith("/api/") and not url.startswith("/api/docs")
    send = getattr(client, visit.method)
    if api and visit.method != "get":
        response = send(url, data, content_type=JSON, headers=visit.headers)
    elif visit.method == "get":
        response = send(url, headers=visit.headers, follow=not visit.headers)
    else:
        response = send(url, data, headers=visit.headers, follow=not visit.headers)
    assert response.status_code < 500, f"{visit.id}: {url} answered {response.status_code}"
    if visit.method == "get":
        assert response.status_code == visit.status, (
            f"{visit.id}: {url} answered {response.status_code}, not {visit.status}: fix the "
            "visit (a POST-only route is a button: see BUTTON_POSTS) or the page"
        )
    if response.get("Content-Type", "").startswith(JSON):
        texts = _prose(response.json(), error=response.status_code >= 400)
    else:
        texts = visible_texts(response.content.decode())
    return url, response.status_code, texts


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.id)
def test_nothing_left_in_english(visit: Visit, world: World) -> None:
    url, status, texts = read(visit, world)

    english = english_in(texts, allowed=world.allowed)

    assert not english, (
        f"{visit.id}: {url} ({status}) still shows English; mark these texts for translation "
        "and translate them in locale/zh_Hans/LC_MESSAGES/django.po:\n  " + "\n  ".join(english)
    )


def test_every_named_route_is_read() -> None:
    """Every route of the URL conf is read (or skipped with a reason), and the reader knows how
    to reach it: a new route whose argument names a kind of object the world does not make
    fails here, as does a skip left for a route that is gone."""
    routes = dict(named_routes())
    stale = sorted(SKIPPED.keys() - routes.keys())
    unread = sorted(routes.keys() - SKIPPED.keys() - {visit.route for visit in VISITS})
    unreachable = [
        visit
        for visit in VISITS
        if _takes_argument(routes[visit.route]) and visit.arg not in {*WORLD_KINDS, "-"}
    ]
    anyone = KeystoneAccount(username="", password="", user_id="")
    fake = World(Client(), Client(), Client(), anyone, ids=dict.fromkeys(WORLD_KINDS, MISSING_ID))
    unresolved = []
    for visit in VISITS:
        if visit not in unreachable:
            try:
                _url(visit, fake)
            except NoReverseMatch as error:
                unresolved.append(f"{visit.id}: {error}")

    problems = {
        "skipped but not in the URL conf": stale,
        "read by nothing": unread,
        "argument of a kind the world does not make": [
            f"{visit.id} ({visit.arg!r})" for visit in unreachable
        ],
        "no URL": unresolved,
    }
    listed = "".join(f"\n{title}: {names}" for title, names in problems.items() if names)
    assert not listed, f"Fix _visits, ARGUMENT_KINDS or SKIPPED (saying why):{listed}"


def test_the_check_finds_english_and_lets_names_and_brands_pass() -> None:
    page = (
        '<html><head><title>网络 | OpenStack</title><script>var a = "two words";</script></head>'
        "<body><h1>网络“<bdi>blue sky</bdi>”</h1><p>Create network</p>"
        '<button aria-label="Remove the interface">删除</button><td>ACTIVE</td>'
        "<p>创建 IPv4 子网</p><pre>FAKE CONSOLE OUTPUT</pre><table><tr><th>Action</th>"
        "<th>CIDR</th><th>名称</th></tr><tr><td>ACTIVE</td></tr></table>"
        '<button title="Menu">菜单</button><label><bdi>sky</bdi></label></body></html>'
    )

    english = english_in(visible_texts(page), allowed={"blue sky", "sky"})

    assert english == ["Create network", "Remove the interface", "Action", "Menu"]
