"""How a security group rule is named and compared, as the forms, tables and services need it.

Rules have no name: the user knows one by what it allows ("ingress IPv4 TCP 22 from anywhere"),
so that summary names it in operation descriptions and messages. Two rules of a group are the
same rule when Neutron says so (`_rule_to_key` in neutron/db/securitygroups_db.py): description
ignored, protocols compared by number, "any address" alike however written.
"""

from collections.abc import Mapping
from typing import Any

from networks.models import SecurityGroupRule

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
