"""Observe Neutron, map each object to mirror fields, write the mirror: one pass per resource.

Every `reconcile_<resources>` runs in one of two ways, with the dashboard's admin connection:
- full sweep (no `ids`): a complete, paged listing of all projects, or of one when `project_id`
  is given; rows in that scope that the listing no longer holds are deleted, others never;
- targeted (`ids`): each object fetched by id; a 404 deletes that object's row, nothing else.

There is no incremental pass: Neutron's list calls have no filter for recently changed objects.
`revision_number` filters by equality only; `changed_since` exists in Neutron's timestamp code
but its filter validation (the `filter-validation` extension, on by default) answers 400
"['changed_since'] is invalid attribute for filtering", as it does for `updated_at` filters and
sort keys. So the full sweep of a resource with revision numbers lists ids and revisions only
and fetches the objects whose revision moved (`dashboard.mirror.reconcile.reconcile_revisions`):
the level-driven fallback, which costs one call per resource when nothing changed; targeted
passes and notifications keep the mirror fresh. Sweeps read Neutron's JSON through
`dashboard.cloud.listing.neutron_lister` (the SDK's attributes without building its resources, a
millisecond an object); targeted passes read SDK resources.

Mappers are pure and normalise what Neutron returns in no set order (tags, fixed IPs, routes,
pools), so an unchanged object maps to equal values and `sync_rows` writes nothing for it. Every
mapped field is compared, not only `revision_number`: some attributes (`availability_zones`,
which agents decide) change without a new revision.
"""

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from django.db.models import Q
from django.utils import timezone

from dashboard.cloud.errors import CloudNotFound, translated
from dashboard.cloud.listing import neutron_lister, neutron_listing
from dashboard.i18n import Message, gettext_noop
from dashboard.mirror.models import SyncState
from dashboard.mirror.reconcile import (
    Fields,
    Observed,
    in_project,
    reconcile_ids,
    reconcile_objects,
    sync_listing,
)
from dashboard.mirror.sync import SyncResult
from networks.models import (
    FloatingIP,
    Network,
    Port,
    PortForwarding,
    RBACPolicy,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    SubnetPool,
)

NEUTRON = "Neutron"
# Objects per page of a listing; the SDK follows Neutron's `next` links with markers.
PAGE_SIZE = 500


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _timestamp(value: Any) -> datetime | None:
    """Neutron's `2026-01-31T12:00:00Z` as an aware datetime."""
    return datetime.fromisoformat(value) if value else None


def _order_key(value: Any) -> tuple[int, int, int, int, str]:
    """Sort addresses and CIDRs numerically (10.0.0.9 before 10.0.0.10), anything else as text."""
    text = _text(value)
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return (1, 0, 0, 0, text)
    return (0, network.version, int(network.network_address), network.prefixlen, text)


def _sorted_dicts(items: Iterable[Mapping[str, Any]] | None, *keys: str) -> list[Fields]:
    """A list of dicts in a stable order: by `keys`, then by every item, so equal lists compare
    equal whatever order Neutron listed them in."""
    copies = [dict(item) for item in items or ()]
    return sorted(
        copies,
        key=lambda item: (
            [_order_key(item.get(key)) for key in keys],
            sorted((k, _text(v)) for k, v in item.items()),
        ),
    )


def _tags(obj: Any) -> list[str]:
    return sorted(obj.tags or [])


def _common_fields(obj: Any) -> Fields:
    """The fields of every Neutron object with standard attributes."""
    return {
        "project_id": _text(obj.project_id),
        "name": _text(obj.name),
        "description": _text(obj.description),
        "revision_number": obj.revision_number,
        "created_at": _timestamp(obj.created_at),
        "updated_at": _timestamp(obj.updated_at),
    }


def network_fields_from_cloud(network: Any) -> Fields:
    """Mirror fields of an SDK Network."""
    return {
        **_common_fields(network),
        "status": _text(network.status),
        "admin_state_up": bool(network.is_admin_state_up),
        "shared": bool(network.is_shared),
        "router_external": bool(network.is_router_external),
        "mtu": network.mtu,
        "port_security_enabled": network.is_port_security_enabled,
        "provider_network_type": _text(network.provider_network_type),
        "provider_physical_network": _text(network.provider_physical_network),
        "provider_segmentation_id": network.provider_segmentation_id,
        "availability_zones": sorted(network.availability_zones or []),
        "tags": _tags(network),
    }


def subnet_fields_from_cloud(subnet: Any) -> Fields:
    """Mirror fields of an SDK Subnet; DNS servers keep their order, which clients follow."""
    return {
        **_common_fields(subnet),
        "network_id": subnet.network_id,
        "ip_version": subnet.ip_version,
        "cidr": _text(subnet.cidr),
        "gateway_ip": _text(subnet.gateway_ip),
        "enable_dhcp": bool(subnet.is_dhcp_enabled),
        "allocation_pools": _sorted_dicts(subnet.allocation_pools, "start", "end"),
        "dns_nameservers": list(subnet.dns_nameservers or []),
        "host_routes": _sorted_dicts(subnet.host_routes, "destination", "nexthop"),
        "ipv6_ra_mode": _text(subnet.ipv6_ra_mode),
        "ipv6_address_mode": _text(subnet.ipv6_address_mode),
        "subnetpool_id": _text(subnet.subnet_pool_id),
        "tags": _tags(subnet),
    }


def subnet_pool_fields_from_cloud(pool: Any) -> Fields:
    """Mirror fields of an SDK SubnetPool; its prefixes sorted numerically."""
    return {
        **_common_fields(pool),
        "ip_version": pool.ip_version,
        "prefixes": sorted(pool.prefixes or [], key=_order_key),
        "default_prefixlen": pool.default_prefix_length,
        "min_prefixlen": pool.minimum_prefix_length,
        "max_prefixlen": pool.maximum_prefix_length,
        "shared": bool(pool.is_shared),
        "is_default": bool(pool.is_default),
        "address_scope_id": _text(pool.address_scope_id),
        "tags": _tags(pool),
    }


def port_fields_from_cloud(port: Any) -> Fields:
    """Mirror fields of an SDK Port (binding attributes are not visible to members: skipped)."""
    return {
        **_common_fields(port),
        "network_id": port.network_id,
        "status": _text(port.status),
        "admin_state_up": bool(port.is_admin_state_up),
        "mac_address": _text(port.mac_address),
        "fixed_ips": _sorted_dicts(port.fixed_ips, "subnet_id", "ip_address"),
        "device_owner": _text(port.device_owner),
        "device_id": _text(port.device_id),
        "port_security_enabled": port.is_port_security_enabled,
        "security_group_ids": sorted(port.security_group_ids or []),
        "allowed_address_pairs": _sorted_dicts(
            port.allowed_address_pairs, "ip_address", "mac_address"
        ),
        "tags": _tags(port),
    }


def router_fields_from_cloud(router: Any) -> Fields:
    """Mirror fields of an SDK Router, its gateway's network and SNAT copied out for filtering."""
    gateway: Fields | None = None
    if router.external_gateway_info:
        gateway = dict(router.external_gateway_info)
        gateway["external_fixed_ips"] = _sorted_dicts(
            gateway.get("external_fixed_ips"), "subnet_id", "ip_address"
        )
    return {
        **_common_fields(router),
        "status": _text(router.status),
        "admin_state_up": bool(router.is_admin_state_up),
        "external_gateway_info": gateway,
        "external_network_id": gateway.get("network_id") if gateway else None,
        "enable_snat": gateway.get("enable_snat") if gateway else None,
        "routes": _sorted_dicts(router.routes, "destination", "nexthop"),
        "tags": _tags(router),
    }


def floating_ip_fields_from_cloud(floating_ip: Any) -> Fields:
    """Mirror fields of an SDK FloatingIP; it has no name (the SDK's `name` is its address)."""
    return {
        **_common_fields(floating_ip),
        "name": "",
        "floating_ip_address": _text(floating_ip.floating_ip_address),
        "floating_network_id": floating_ip.floating_network_id,
        "fixed_ip_address": _text(floating_ip.fixed_ip_address),
        "port_id": floating_ip.port_id,
        "router_id": floating_ip.router_id,
        "status": _text(floating_ip.status),
        "dns_name": _text(floating_ip.dns_name),
        "dns_domain": _text(floating_ip.dns_domain),
        "tags": _tags(floating_ip),
    }


def port_forwarding_fields_from_cloud(port_forwarding: Any, *, project_id: str) -> Fields:
    """Mirror fields of an SDK PortForwarding; it has no project or name of its own, so it takes
    its floating IP's project."""
    return {
        "project_id": project_id,
        "name": "",
        "floating_ip_id": port_forwarding.floatingip_id,
        "protocol": _text(port_forwarding.protocol),
        "internal_port_id": port_forwarding.internal_port_id,
        "internal_ip_address": _text(port_forwarding.internal_ip_address),
        "internal_port_number": port_forwarding.internal_port,
        "external_port_number": port_forwarding.external_port,
        "internal_port_range": _text(port_forwarding.internal_port_range),
        "external_port_range": _text(port_forwarding.external_port_range),
        "description": _text(port_forwarding.description),
    }


def rbac_policy_fields_from_cloud(policy: Any) -> Fields:
    """Mirror fields of an SDK RBACPolicy; policies have no name."""
    return {
        "project_id": _text(policy.project_id),
        "name": "",
        "object_type": _text(policy.object_type),
        "object_id": _text(policy.object_id),
        "action": _text(policy.action),
        "target_project_id": _text(policy.target_project_id),
    }


def security_group_fields_from_cloud(security_group: Any) -> Fields:
    """Mirror fields of an SDK SecurityGroup (its rules are reconciled on their own)."""
    return {
        **_common_fields(security_group),
        "stateful": security_group.stateful is not False,
        "tags": _tags(security_group),
    }


def security_group_rule_fields_from_cloud(rule: Any) -> Fields:
    """Mirror fields of an SDK SecurityGroupRule; rules have no name."""
    return {
        **_common_fields(rule),
        "name": "",
        "security_group_id": rule.security_group_id,
        "direction": _text(rule.direction),
        "ethertype": _text(rule.ether_type),
        "protocol": _text(rule.protocol),
        "port_range_min": rule.port_range_min,
        "port_range_max": rule.port_range_max,
        "remote_ip_prefix": _text(rule.remote_ip_prefix),
        "remote_group_id": rule.remote_group_id,
    }


# A full sweep of one resource (all projects, or one) by revision numbers, or a targeted pass
# over `ids`.
_reconcile = partial(reconcile_objects, service=NEUTRON, page_size=PAGE_SIZE, revisions=True)


def reconcile_networks(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror networks: a full sweep (all projects or one), or just `ids` with their RBAC
    entries (which projects see them is part of what they are) and their projects' default
    security groups, when new; idempotent."""
    result = _reconcile(
        model=Network,
        plural="networks",
        noun="network",
        list_objects=neutron_lister(conn, "networks"),
        get_object=conn.network.get_network,
        fields_from_cloud=network_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )
    if ids:
        reconcile_rbac_policies(conn=conn, object_ids=ids)
        _reconcile_default_security_groups(conn=conn, model=Network, ids=ids)
    return result


def reconcile_subnets(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror subnets: a full sweep (all projects or one), or just `ids`; idempotent."""
    return _reconcile(
        model=Subnet,
        plural="subnets",
        noun="subnet",
        list_objects=neutron_lister(conn, "subnets"),
        get_object=conn.network.get_subnet,
        fields_from_cloud=subnet_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )


def reconcile_subnet_pools(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror subnet pools: a full sweep (all projects or one), or just `ids` with their RBAC
    entries (as networks'); idempotent."""
    result = _reconcile(
        model=SubnetPool,
        plural="subnet pools",
        noun="subnet pool",
        list_objects=neutron_lister(conn, "subnetpools"),
        get_object=conn.network.get_subnet_pool,
        fields_from_cloud=subnet_pool_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )
    if ids:
        reconcile_rbac_policies(conn=conn, object_ids=ids)
        _reconcile_default_security_groups(conn=conn, model=Network, ids=ids)
    return result


def reconcile_ports(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror ports: a full sweep (all projects or one), or just `ids` (and their projects'
    default security groups, when new); idempotent."""
    result = _reconcile(
        model=Port,
        plural="ports",
        noun="port",
        list_objects=neutron_lister(conn, "ports"),
        get_object=conn.network.get_port,
        fields_from_cloud=port_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )
    if ids:
        _reconcile_default_security_groups(conn=conn, model=Port, ids=ids)
    return result


def _reconcile_default_security_groups(
    *, conn: Any, model: type[Network | Router | Port], ids: list[str]
) -> None:
    """Sweep the security groups and rules of the projects of these rows (just reconciled)
    whose default group the mirror lacks. Neutron makes a project's default group and its rules
    by itself, with the project's first network, router or port, and sends no notification of
    them (measured with bench/multi.py): that first object is the only news of them. Once the
    group is mirrored, no object asks again."""
    projects = set(model._default_manager.filter(pk__in=ids).values_list("project_id", flat=True))
    mirrored = set(
        SecurityGroup.objects.filter(project_id__in=projects, name="default").values_list(
            "project_id", flat=True
        )
    )
    for project_id in sorted(projects - mirrored - {""}):
        reconcile_security_groups(conn=conn, project_id=project_id)
        reconcile_security_group_rules(conn=conn, project_id=project_id)


def reconcile_routers(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror routers: a full sweep (all projects or one), or just `ids` (and their projects'
    default security groups, when new); idempotent."""
    result = _reconcile(
        model=Router,
        plural="routers",
        noun="router",
        list_objects=neutron_lister(conn, "routers"),
        get_object=conn.network.get_router,
        fields_from_cloud=router_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )
    if ids:
        _reconcile_default_security_groups(conn=conn, model=Router, ids=ids)
    return result


def reconcile_floating_ips(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror floating IPs: a full sweep (all projects or one), or just `ids`; idempotent."""
    return _reconcile(
        model=FloatingIP,
        plural="floating IPs",
        noun="floating IP",
        list_objects=neutron_lister(conn, "floatingips"),
        get_object=conn.network.get_ip,
        fields_from_cloud=floating_ip_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )


def reconcile_security_groups(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror security groups: a full sweep (all projects or one), or just `ids`; idempotent."""
    return _reconcile(
        model=SecurityGroup,
        plural="security groups",
        noun="security group",
        list_objects=neutron_lister(conn, "security_groups"),
        get_object=conn.network.get_security_group,
        fields_from_cloud=security_group_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )


def reconcile_security_group_rules(
    *, conn: Any, project_id: str | None = None, ids: list[str] | None = None
) -> SyncResult:
    """Mirror security group rules: a full sweep (all projects or one), or just `ids`."""
    return _reconcile(
        model=SecurityGroupRule,
        plural="security group rules",
        noun="security group rule",
        list_objects=neutron_lister(conn, "security_group_rules"),
        get_object=conn.network.get_security_group_rule,
        fields_from_cloud=security_group_rule_fields_from_cloud,
        project_id=project_id,
        ids=ids,
    )


def reconcile_rbac_policies(
    *,
    conn: Any,
    project_id: str | None = None,
    ids: list[str] | None = None,
    object_ids: list[str] | None = None,
) -> SyncResult:
    """Mirror RBAC policies: a full sweep, a project's, those of some objects (`object_ids`), or
    just `ids`; idempotent.

    A project's sweep takes the policies it owns and those that grant it (or every project)
    access: what decides which shared and external networks it sees, whoever owns them.
    Neutron does not page RBAC listings (no links; a marker is ignored and the same entries come
    back, which openstacksdk reports as an endless pagination loop), so they are asked unpaged.
    """
    if ids is not None:
        return reconcile_ids(
            model=RBACPolicy,
            ids=ids,
            fetch=conn.network.get_rbac_policy,
            fields_from_cloud=rbac_policy_fields_from_cloud,
            noun="RBAC policy",
            service=NEUTRON,
        )
    started = timezone.now()
    queries: list[Fields] = [{}]
    scope = Q()
    if object_ids is not None:
        queries = [{"object_id": object_id} for object_id in dict.fromkeys(object_ids)]
        scope = Q(object_id__in=object_ids)
    elif project_id is not None:
        queries = [
            {"project_id": project_id},
            {"target_project_id": project_id},
            {"target_project_id": "*"},
        ]
        scope = Q(project_id=project_id) | Q(target_project_id__in=[project_id, "*"])
    observed: Observed = {}
    for query in queries:
        with translated(doing=gettext_noop("list RBAC policies"), service=NEUTRON):
            for policy in conn.network.rbac_policies(**query):
                observed[policy.id] = rbac_policy_fields_from_cloud(policy)
    return sync_listing(model=RBACPolicy, observed=observed, started=started, scope=scope)


PORT_FORWARDING_EXTENSION = "floating-ip-port-forwarding"
# The SyncState row recording whether Neutron has the extension (selectors read it: pages never
# ask the cloud). Its `error` says why the dashboard offers no port forwarding.
PORT_FORWARDING_STATE = "port_forwardings"


def _record_port_forwarding_support(*, supported: bool) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"last_attempt_at": now}
    if supported:
        fields.update(last_success_at=now, **SyncState.error_fields(None))
    else:
        missing = Message(
            gettext_noop("Neutron has no “%(extension)s” extension."),
            {"extension": PORT_FORWARDING_EXTENSION},
        )
        fields.update(SyncState.error_fields(missing))
    SyncState.objects.update_or_create(group=PORT_FORWARDING_STATE, defaults=fields)


# Neutron's extension that shows each floating IP's port forwardings in its body (their ids,
# ports, protocol and internal address): one listing then tells which floating IPs' rules changed.
EXPOSED_IN_FLOATING_IPS = "expose-port-forwarding-in-fip"


def _port_forwarding_summary(
    rule: Mapping[str, Any],
) -> tuple[str, str, int | None, int | None, str]:
    return (
        _text(rule.get("internal_port_id")),
        _text(rule.get("internal_ip_address")),
        rule.get("internal_port"),
        rule.get("external_port"),
        _text(rule.get("protocol")),
    )


def _floating_ips_with_changed_port_forwardings(
    *, conn: Any, project_id: str | None
) -> tuple[list[str], list[str]]:
    """(the floating IPs whose port forwardings differ from the mirror's, every floating IP
    listed) from one listing of the floating IPs' `port_forwardings` (`fields=`; Neutron's
    EXPOSED_IN_FLOATING_IPS extension). A change of a rule's description or port ranges alone
    is not seen here (its event is)."""
    query: dict[str, Any] = {"fields": ["id", "port_forwardings"]}
    if project_id is not None:
        query["project_id"] = project_id
    with translated(
        doing=gettext_noop("list the port forwardings of the floating IPs"), service=NEUTRON
    ):
        listed = neutron_listing(conn=conn, collection="floatingips", **query)
    mirrored: dict[str, dict[str, tuple[str, str, int | None, int | None, str]]] = {}
    for rule in PortForwarding.objects.filter(in_project(project_id)):
        mirrored.setdefault(_text(rule.floating_ip_id), {})[rule.pk] = (
            _text(rule.internal_port_id),
            rule.internal_ip_address,
            rule.internal_port_number,
            rule.external_port_number,
            rule.protocol,
        )
    changed = [
        floating_ip["id"]
        for floating_ip in listed
        if mirrored.get(floating_ip["id"], {})
        != {
            str(rule["id"]): _port_forwarding_summary(rule)
            for rule in floating_ip.get("port_forwardings") or []
        }
    ]
    return changed, [floating_ip["id"] for floating_ip in listed]


def reconcile_port_forwardings(
    *, conn: Any, project_id: str | None = None, floating_ip_ids: list[str] | None = None
) -> SyncResult:
    """Mirror the port forwardings of floating IPs: a full sweep (all projects or one), or a
    complete listing of those of `floating_ip_ids`; idempotent.

    Neutron lists them per floating IP only. Where it shows them in the floating IPs' bodies,
    the sweep lists those once and asks only for the floating IPs whose rules differ from the
    mirror's; otherwise it asks for each floating IP without a port in the (freshly reconciled)
    mirror: one with a port cannot have any. The sweep also records whether Neutron has the
    extension; without it, the table is emptied.
    """
    started = timezone.now()
    floating_ips = FloatingIP.objects.all()
    scope = in_project(project_id)
    if floating_ip_ids is not None:
        floating_ips = floating_ips.filter(pk__in=floating_ip_ids)
        scope &= Q(floating_ip_id__in=floating_ip_ids)
    else:
        with translated(doing=gettext_noop("list Neutron's extensions"), service=NEUTRON):
            extensions = {extension.alias for extension in conn.network.extensions()}
        supported = PORT_FORWARDING_EXTENSION in extensions
        _record_port_forwarding_support(supported=supported)
        if supported and EXPOSED_IN_FLOATING_IPS in extensions:
            changed, listed = _floating_ips_with_changed_port_forwardings(
                conn=conn, project_id=project_id
            )
            floating_ips = floating_ips.filter(pk__in=changed)
            # Those of the changed floating IPs, and of floating IPs gone (if the listing held
            # any: an empty one proves nothing).
            gone = ~Q(floating_ip_id__in=listed) if listed else Q(pk__in=[])
            scope &= Q(floating_ip_id__in=changed) | gone
        else:
            floating_ips = (
                floating_ips.filter(port_id__isnull=True) if supported else floating_ips.none()
            )
    if project_id is not None:
        floating_ips = floating_ips.filter(project_id=project_id)
    observed: Observed = {}
    for floating_ip_id, owner in floating_ips.values_list("pk", "project_id"):
        try:
            doing = Message(
                gettext_noop("list the port forwardings of floating IP %(id)s"),
                {"id": floating_ip_id},
            )
            with translated(doing=doing, service=NEUTRON):
                rules = list(conn.network.port_forwardings(floating_ip_id))
        except CloudNotFound:
            continue  # the floating IP is gone, and its rules with it
        for rule in rules:
            observed[rule.id] = port_forwarding_fields_from_cloud(rule, project_id=owner)
    return sync_listing(model=PortForwarding, observed=observed, started=started, scope=scope)


def reconcile_port_forwardings_of_ports(*, conn: Any, ids: list[str]) -> SyncResult:
    """Mirror the port forwardings that may point at these internal ports; idempotent.

    Neutron's events about a rule name its internal port but not its floating IP, so the floating
    IPs listed again are those the mirror holds rules of for these ports and the port-less
    floating IPs of the ports' projects (only those can hold rules).
    """
    floating_ip_ids = set(
        PortForwarding.objects.filter(internal_port_id__in=ids).values_list(
            "floating_ip_id", flat=True
        )
    )
    projects = Port.objects.filter(pk__in=ids).values("project_id")
    floating_ip_ids.update(
        FloatingIP.objects.filter(project_id__in=projects, port_id__isnull=True).values_list(
            "pk", flat=True
        )
    )
    found = sorted(floating_ip_id for floating_ip_id in floating_ip_ids if floating_ip_id)
    return reconcile_port_forwardings(conn=conn, floating_ip_ids=found) if found else SyncResult()


RECONCILERS: dict[str, Callable[..., SyncResult]] = {
    "networks": reconcile_networks,
    "rbac_policies": reconcile_rbac_policies,
    "subnets": reconcile_subnets,
    "subnet_pools": reconcile_subnet_pools,
    "ports": reconcile_ports,
    "routers": reconcile_routers,
    "floating_ips": reconcile_floating_ips,
    "security_groups": reconcile_security_groups,
    "security_group_rules": reconcile_security_group_rules,
    # After floating_ips: it reads which floating IPs have no port from the mirror.
    "port_forwardings": reconcile_port_forwardings,
}


def reconcile_all(*, conn: Any, project_id: str | None = None) -> dict[str, SyncResult]:
    """Full sweep of every networking resource (all projects, or one); raises CloudError."""
    return {
        resource: reconcile(conn=conn, project_id=project_id)
        for resource, reconcile in RECONCILERS.items()
    }
