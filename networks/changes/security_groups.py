"""Security group and rule changes, and how a rule is named and compared.

Rules have no name: the user knows one by what it allows ("ingress IPv4 TCP 22 from anywhere"),
so that summary names it in operation descriptions and messages. Two rules of a group are the
same rule when Neutron says so (`_rule_to_key` in neutron/db/securitygroups_db.py): description
ignored, protocols compared by number, "any address" alike however written.
"""

from collections.abc import Mapping
from typing import Any

from dashboard.operations.services import OperationRefused
from networks.changes import Change
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import (
    security_group_get,
    security_group_ports,
    security_group_used_unseen,
)

# The attributes that make a rule (Neutron's create-rule request, description aside).
RULE_ATTRIBUTES = (
    "direction",
    "ethertype",
    "protocol",
    "port_range_min",
    "port_range_max",
    "remote_ip_prefix",
    "remote_group_id",
)
# neutron_lib.constants.IP_PROTOCOL_MAP: the protocol names Neutron takes for their numbers.
PROTOCOL_NUMBERS = {
    "ah": 51,
    "dccp": 33,
    "egp": 8,
    "esp": 50,
    "gre": 47,
    "hopopt": 0,
    "icmp": 1,
    "igmp": 2,
    "ip": 0,
    "ipip": 4,
    "ipv6-encap": 41,
    "ipv6-frag": 44,
    "ipv6-icmp": 58,
    "icmpv6": 58,
    "ipv6-nonxt": 59,
    "ipv6-opts": 60,
    "ipv6-route": 43,
    "ospf": 89,
    "pgm": 113,
    "rsvp": 46,
    "sctp": 132,
    "tcp": 6,
    "udp": 17,
    "udplite": 136,
    "vrrp": 112,
}
# Protocols whose rules take a port range (DCCP, SCTP, TCP, UDP, UDP-Lite), and the ICMPs,
# whose "port range" is an ICMP type and code.
PORT_PROTOCOLS = frozenset({6, 17, 33, 132, 136})
ICMP_PROTOCOLS = frozenset({1, 58})
ANY_ADDRESS = frozenset({"0.0.0.0/0", "::/0"})
PROTOCOL_LABELS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "ipv6-icmp": "ICMPv6"}


def protocol_number(protocol: str | None, ethertype: str) -> int | None:
    """The IP protocol number of a rule's protocol; None for any, or a name Neutron lacks.

    As Neutron does for IPv6, ICMP (by name or number 1) means ICMPv6."""
    if not protocol or protocol == "any":
        return None
    number = PROTOCOL_NUMBERS.get(protocol)
    if number is None and protocol.isdigit():
        number = int(protocol)
    if ethertype == "IPv6" and number == 1:
        return 58
    return number


def rule_attributes(rule: SecurityGroupRule) -> dict[str, Any]:
    """A mirror row as the attributes Neutron creates a rule with, plus its description."""
    return {
        "direction": rule.direction,
        "ethertype": rule.ethertype,
        "protocol": rule.protocol or None,
        "port_range_min": rule.port_range_min,
        "port_range_max": rule.port_range_max,
        "remote_ip_prefix": rule.remote_ip_prefix or None,
        "remote_group_id": rule.remote_group_id,
        "description": rule.description,
    }


def rule_key(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    """What Neutron compares to refuse a duplicate rule in a group."""
    protocol = rule.get("protocol") or None
    number = protocol_number(protocol, rule["ethertype"])
    prefix = rule.get("remote_ip_prefix") or None
    return (
        rule["direction"],
        rule["ethertype"],
        protocol if number is None else number,
        rule.get("port_range_min"),
        rule.get("port_range_max"),
        rule.get("remote_group_id") or None,
        None if prefix in ANY_ADDRESS else prefix,
    )


def protocol_label(protocol: str | None) -> str:
    """ "TCP", "ICMPv6", "GRE", "protocol 47", or "any protocol"."""
    if not protocol or protocol == "any":
        return "any protocol"
    if protocol.isdigit():
        return f"protocol {protocol}"
    return PROTOCOL_LABELS.get(protocol, protocol.upper())


def port_range_label(rule: Mapping[str, Any]) -> str:
    """ "22", "8000-8080", "type 8 code 0" for ICMP, or "" when the rule covers all of them."""
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if low is None and high is None:
        return ""
    if protocol_number(rule.get("protocol"), rule["ethertype"]) in ICMP_PROTOCOLS:
        return f"type {low}" + ("" if high is None else f" code {high}")
    return str(low) if low == high else f"{low}-{high}"


def remote_label(rule: Mapping[str, Any], remote_group_name: str = "") -> str:
    """Where the traffic may come from (or go to): a CIDR, a group, or anywhere."""
    if rule.get("remote_group_id"):
        return f"group “{remote_group_name or rule['remote_group_id']}”"
    return rule.get("remote_ip_prefix") or "anywhere"


def rule_summary(rule: Mapping[str, Any], remote_group_name: str = "") -> str:
    """How the user names a rule: "ingress IPv4 TCP 22 from anywhere"."""
    ports = port_range_label(rule)
    towards = "from" if rule["direction"] == "ingress" else "to"
    return " ".join(
        part
        for part in (
            rule["direction"],
            rule["ethertype"],
            protocol_label(rule.get("protocol")),
            ports,
            towards,
            remote_label(rule, remote_group_name),
        )
        if part
    )


def row_summary(rule: SecurityGroupRule) -> str:
    """The summary of a mirror row (its remote group's name read from the mirror)."""
    remote = rule.remote_group.name_or_id if rule.remote_group_id and rule.remote_group else ""
    return rule_summary(rule_attributes(rule), remote)


def create_security_group(data: dict[str, Any]) -> Change:
    return {
        "action": "networks.security_group_create",
        "description": f"Create security group “{data['name']}”",
        "target_type": "security_group",
        "target_name": data["name"],
        "params": data,
    }


def update_security_group(group: SecurityGroup, data: dict[str, Any]) -> Change:
    params: dict[str, Any] = {
        "security_group_id": group.id,
        "description": data["description"],
        "revision_number": group.revision_number,
    }
    # Neutron refuses any `name` in an update of the default group, even an unchanged one.
    if group.name != "default":
        params["name"] = data["name"]
    return {
        "action": "networks.security_group_update",
        "description": f"Edit security group “{group.name_or_id}”",
        "target_type": "security_group",
        "target_id": group.id,
        "target_name": group.name,
        "params": params,
    }


def security_group_delete_refusal(group: SecurityGroup) -> str:
    """Why the group cannot be deleted, as the mirror knows it ("" when nothing stops it)."""
    if group.name == "default":
        return (
            "The default security group cannot be deleted: Neutron keeps one in every project. "
            "Remove the rules you do not want from it instead."
        )
    scope = {"project_id": group.project_id, "security_group_id": group.id}
    users = [
        (port.device_id, getattr(port, "server_name", None))
        for port in security_group_ports(**scope)
    ]
    # Instances by name (each once, whatever its number of ports); other ports only counted.
    servers = {device: name or device for device, name in users if name is not None}
    others = len([device for device, name in users if name is None])
    parts = []
    if servers:
        names = ", ".join(f"“{name}”" for name in sorted(servers.values()))
        parts.append(f"instance{'s' if len(servers) > 1 else ''} {names}")
    if others:
        parts.append(f"{others} {'other ' if servers else ''}port{'s' if others > 1 else ''}")
    if parts:
        return (
            f"Security group “{group.name_or_id}” is in use by {' and '.join(parts)}. Remove "
            "the group from them (or delete them) first, then delete it."
        )
    if security_group_used_unseen(**scope):
        return (
            f"Security group “{group.name_or_id}” is in use by other projects it is shared with. "
            "It can be deleted once none of their ports uses it."
        )
    return ""


def delete_security_group(group: SecurityGroup) -> Change:
    """The delete, or OperationRefused when the group is `default` or ports use it."""
    if refusal := security_group_delete_refusal(group):
        raise OperationRefused(refusal)
    return {
        "action": "networks.security_group_delete",
        "description": f"Delete security group “{group.name_or_id}”",
        "target_type": "security_group",
        "target_id": group.id,
        "target_name": group.name,
        "params": {"security_group_id": group.id},
    }


def _rule_params(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: data.get(name) for name in (*RULE_ATTRIBUTES, "description")}


def _summary(project_id: str, data: Mapping[str, Any]) -> str:
    """A new rule's summary, its remote group named from the mirror."""
    remote = data.get("remote_group_id")
    group = security_group_get(project_id=project_id, pk=remote) if remote else None
    return rule_summary(data, group.name_or_id if group else "")


def add_security_group_rule(group: SecurityGroup, data: dict[str, Any]) -> Change:
    summary = _summary(group.project_id, data)
    return {
        "action": "networks.security_group_rule_create",
        "description": f"Add rule “{summary}” to security group “{group.name_or_id}”",
        "target_type": "security_group_rule",
        "target_name": summary,
        "params": {"security_group_id": group.id, "rule": _rule_params(data)},
    }


def replace_security_group_rule(rule: SecurityGroupRule, data: dict[str, Any]) -> Change:
    group = rule.security_group
    assert group is not None  # the rule selectors reach rules through their group
    old_summary = row_summary(rule)
    summary = _summary(group.project_id, data)
    return {
        "action": "networks.security_group_rule_replace",
        "description": f"Replace rule “{old_summary}” with “{summary}”",
        "target_type": "security_group_rule",
        "target_id": rule.id,
        "target_name": old_summary,
        "params": {
            "security_group_id": rule.security_group_id,
            "old_rule": {"id": rule.id, **rule_attributes(rule)},
            "rule": _rule_params(data),
            "label": summary,
        },
    }


def delete_security_group_rule(rule: SecurityGroupRule) -> Change:
    summary = row_summary(rule)
    return {
        "action": "networks.security_group_rule_delete",
        "description": f"Delete rule “{summary}”",
        "target_type": "security_group_rule",
        "target_id": rule.id,
        "target_name": summary,
        "params": {"security_group_id": rule.security_group_id, "security_group_rule_id": rule.id},
    }
