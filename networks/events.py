"""Neutron's notifications, as the mirror's notification listener reads them
(`dashboard.mirror.notifications`): the objects each names, how they are reconciled by id, and
the rows Neutron changes along with them without an event of their own.

Neutron publishes `<resource>.<action>.start` before a change and `.end` after it (bulk creates
name every object), `router.interface.create`/`.delete`, `tag.<action>.end` and
`port_forwarding.<action>.end` to its `neutron` exchange.
"""

from collections.abc import Mapping
from typing import Any

from dashboard.mirror.notifications import AppEvents, Dependent, EventResource, Target
from networks.models import (
    FloatingIP,
    Network,
    Port,
    RBACPolicy,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    SubnetPool,
)
from networks.reconcile import (
    reconcile_floating_ips,
    reconcile_networks,
    reconcile_port_forwardings_of_ports,
    reconcile_ports,
    reconcile_rbac_policies,
    reconcile_routers,
    reconcile_security_group_rules,
    reconcile_security_groups,
    reconcile_subnet_pools,
    reconcile_subnets,
)

# Neutron's resource names in event types and payloads -> the mirror's resource names.
NEUTRON_RESOURCES = {
    "network": "networks",
    "subnet": "subnets",
    "port": "ports",
    "router": "routers",
    "floatingip": "floating_ips",
    "security_group": "security_groups",
    "security_group_rule": "security_group_rules",
    "rbac_policy": "rbac_policies",
}

# The objects RBAC entries share that the mirror holds: Neutron's object type -> resource name.
RBAC_OBJECTS = {"network": "networks", "subnetpool": "subnet_pools"}

# Neutron's collection names, as tag events name them -> the mirror's resource names.
TAGGED_RESOURCES = {
    "networks": "networks",
    "subnets": "subnets",
    "ports": "ports",
    "routers": "routers",
    "floatingips": "floating_ips",
    "security_groups": "security_groups",
}

# Port forwarding events name the rule's internal port, not its floating IP: their targets are
# the internal ports, under a resource name of their own.
PORT_FORWARDINGS_BY_PORT = "port_forwardings_by_port"


def _ids(value: Any) -> list[str]:
    """The `id` of an object dict, or of each in a list (Neutron's bulk creates)."""
    items = value if isinstance(value, list) else [value]
    return [str(item["id"]) for item in items if isinstance(item, Mapping) and item.get("id")]


def neutron_targets(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    """The objects a Neutron notification says changed; pure, [] for any other event."""
    if event_type.startswith("tag.") and event_type.endswith(".end"):
        # {"obj_resource": "networks", "obj_resource_id": ..., "tags": [...]}
        resource = TAGGED_RESOURCES.get(str(payload.get("obj_resource")))
        object_id = payload.get("obj_resource_id")
        return [Target(resource, str(object_id))] if resource and object_id else []
    if event_type in ("router.interface.create", "router.interface.delete"):
        # {"router_interface": {"id": <router>, "port_id", "subnet_id", "subnet_ids", ...}}
        interface = payload.get("router_interface") or {}
        targets = [Target("routers", str(interface["id"]))] if interface.get("id") else []
        if interface.get("port_id"):
            targets.append(Target("ports", str(interface["port_id"])))
        return targets
    if event_type.startswith("port_forwarding.") and event_type.endswith(".end"):
        # {"port_forwarding": {"id", "internal_port_id", ...}} (deletes too): no floating IP id.
        port_id = (payload.get("port_forwarding") or {}).get("internal_port_id")
        if not port_id:
            return []
        return [Target("ports", str(port_id)), Target(PORT_FORWARDINGS_BY_PORT, str(port_id))]
    singular, _, action = event_type.partition(".")
    resource = NEUTRON_RESOURCES.get(singular)
    # `.start` comes before the change is made; only `.end` says it is done.
    if resource is None or not action.endswith(".end"):
        return []
    ids = _ids(payload.get(singular)) + _ids(payload.get(f"{singular}s"))
    if payload.get(f"{singular}_id"):  # deletes: {"network_id": ...}
        ids.append(str(payload[f"{singular}_id"]))
    targets = [Target(resource, object_id) for object_id in ids]
    if singular == "rbac_policy":
        # An entry shares or exposes its object: the object's `shared` changes with it.
        policy = payload.get(singular)
        if isinstance(policy, Mapping) and policy.get("object_type") in RBAC_OBJECTS:
            targets.append(Target(RBAC_OBJECTS[policy["object_type"]], str(policy["object_id"])))
    if singular == "security_group_rule":
        # A rule's change bumps its group's revision number.
        rules = payload.get(singular)
        for rule in rules if isinstance(rules, list) else [rules]:
            if isinstance(rule, Mapping) and rule.get("security_group_id"):
                targets.append(Target("security_groups", str(rule["security_group_id"])))
    return targets


# Dependents: deleting a network deletes its subnets and ports, a group its rules, and a port
# disassociates its floating IPs; any change of a router's gateway or interfaces changes its ports
# (clearing the gateway deletes the gateway port).
EVENTS = AppEvents(
    exchanges=("neutron",),
    targets=neutron_targets,
    resources=(
        EventResource(
            name="networks",
            reconcile=reconcile_networks,
            model=Network,
            dependents=(Dependent("subnets", "network_id"), Dependent("ports", "network_id")),
        ),
        EventResource(name="rbac_policies", reconcile=reconcile_rbac_policies, model=RBACPolicy),
        EventResource(name="subnet_pools", reconcile=reconcile_subnet_pools, model=SubnetPool),
        EventResource(
            name="routers",
            reconcile=reconcile_routers,
            model=Router,
            dependents=(Dependent("ports", "device_id", only_when_gone=False),),
        ),
        EventResource(
            name="security_groups",
            reconcile=reconcile_security_groups,
            model=SecurityGroup,
            dependents=(Dependent("security_group_rules", "security_group_id"),),
        ),
        EventResource(
            name="ports",
            reconcile=reconcile_ports,
            model=Port,
            dependents=(Dependent("floating_ips", "port_id"),),
        ),
        EventResource(name="subnets", reconcile=reconcile_subnets, model=Subnet),
        EventResource(name="floating_ips", reconcile=reconcile_floating_ips, model=FloatingIP),
        EventResource(
            name="security_group_rules",
            reconcile=reconcile_security_group_rules,
            model=SecurityGroupRule,
        ),
        EventResource(
            name=PORT_FORWARDINGS_BY_PORT,
            reconcile=reconcile_port_forwardings_of_ports,
            after=("ports", "floating_ips"),  # it reads both from the mirror
        ),
    ),
)
