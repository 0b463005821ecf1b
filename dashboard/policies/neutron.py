"""Neutron's default policy rules for the calls the dashboard makes (Neutron 2026.2).

Copied from `neutron/conf/policies/{base,network,subnet,port,router,floatingip,
floatingip_port_forwarding,security_group}.py` and neutron-lib's `policy/rules.py`: the check
strings must stay Neutron's, so that removing the override file describes a cloud that runs
Neutron's defaults. Add a rule here before asking about it.
"""

from oslo_policy.policy import RuleDefault

ADMIN = "rule:admin_only"
PROJECT_MEMBER = "role:member and project_id:%(project_id)s"
ADMIN_OR_PROJECT_MEMBER = f"({ADMIN}) or ({PROJECT_MEMBER})"
PROJECT_MANAGER = "role:manager and project_id:%(project_id)s"
ADMIN_OR_SERVICE = f"({ADMIN}) or (rule:service_api)"
NET_OWNER_MEMBER = "role:member and rule:network_owner"
ADMIN_OR_NET_OWNER_MEMBER = f"({ADMIN}) or ({NET_OWNER_MEMBER})"

_BASE = {
    "context_is_admin": "role:admin",
    "service_api": "role:service",
    "owner": "project_id:%(project_id)s",
    "admin_or_owner": "rule:context_is_admin or rule:owner",
    "admin_only": "rule:context_is_admin",
    "regular_user": "",
    "default": "rule:admin_or_owner",
    "sg_owner": "project_id:%(security_group:project_id)s",
    "network_owner": "project_id:%(network:project_id)s",
    "shared": "field:networks:shared=True",
    "ext_parent_owner": "project_id:%(ext_parent:project_id)s",
}

_ADMIN_ONLY = [
    "create_network:shared",
    "update_network:shared",
    "create_network:router:external",
    "update_network:router:external",
    "create_network:is_default",
    "update_network:is_default",
    "create_network:segments",
    "create_network:provider:network_type",
    "create_network:provider:physical_network",
    "create_network:provider:segmentation_id",
    "update_network:provider:network_type",
    "update_network:provider:physical_network",
    "update_network:provider:segmentation_id",
    "get_network:provider:network_type",
    "get_network:provider:physical_network",
    "get_network:provider:segmentation_id",
    "create_router:distributed",
    "create_router:ha",
    "update_router:distributed",
    "update_router:ha",
    "create_router:external_gateway_info:enable_snat",
    "create_router:external_gateway_info:external_fixed_ips",
    "update_router:external_gateway_info:enable_snat",
    "update_router:external_gateway_info:external_fixed_ips",
]

_PROJECT_MEMBER = [
    "create_network",
    "update_network",
    "delete_network",
    "create_network:port_security_enabled",
    "update_network:port_security_enabled",
    "create_router",
    "update_router",
    "delete_router",
    "create_router:external_gateway_info",
    "create_router:external_gateway_info:network_id",
    "update_router:external_gateway_info",
    "update_router:external_gateway_info:network_id",
    "add_router_interface",
    "remove_router_interface",
    "add_extraroutes",
    "remove_extraroutes",
    "create_floatingip",
    "update_floatingip",
    "delete_floatingip",
    "create_security_group",
    "update_security_group",
    "delete_security_group",
]

# Subnets and ports: the owner of the network they are on may act too (`network:project_id`).
_NETWORK_OWNER_RULES = {
    "create_subnet": ADMIN_OR_NET_OWNER_MEMBER,
    "update_subnet": f"{PROJECT_MEMBER} or {ADMIN_OR_NET_OWNER_MEMBER}",
    "delete_subnet": f"{PROJECT_MEMBER} or {ADMIN_OR_NET_OWNER_MEMBER}",
    "create_port": f"{ADMIN_OR_SERVICE} or {NET_OWNER_MEMBER} or rule:shared",
    "update_port": f"{ADMIN_OR_SERVICE} or {PROJECT_MEMBER}",
    "delete_port": f"{ADMIN_OR_SERVICE} or {NET_OWNER_MEMBER} or {PROJECT_MEMBER}",
}

# Security group rules are checked against their group's project (`security_group:project_id`).
_SG_OWNER_MEMBER = ["create_security_group_rule", "delete_security_group_rule"]
# Port forwardings are checked against their floating IP's project (`ext_parent:project_id`).
_PARENT_OWNER_MEMBER = ["create_floatingip_port_forwarding", "delete_floatingip_port_forwarding"]

RULES: list[RuleDefault] = [
    *(RuleDefault(name, check_str) for name, check_str in _BASE.items()),
    *(RuleDefault(name, ADMIN, scope_types=["project"]) for name in _ADMIN_ONLY),
    *(
        RuleDefault(name, ADMIN_OR_PROJECT_MEMBER, scope_types=["project"])
        for name in _PROJECT_MEMBER
    ),
    *(
        RuleDefault(name, check_str, scope_types=["project"])
        for name, check_str in _NETWORK_OWNER_RULES.items()
    ),
    *(
        RuleDefault(name, f"({ADMIN}) or (role:member and rule:sg_owner)", scope_types=["project"])
        for name in _SG_OWNER_MEMBER
    ),
    *(
        RuleDefault(
            name, f"({ADMIN}) or (role:member and rule:ext_parent_owner)", scope_types=["project"]
        )
        for name in _PARENT_OWNER_MEMBER
    ),
    RuleDefault(
        "create_floatingip:floating_ip_address",
        f"({ADMIN}) or ({PROJECT_MANAGER})",
        scope_types=["project"],
    ),
]
