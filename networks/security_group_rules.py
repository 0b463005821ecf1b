"""How a security group rule is named and compared, as the forms, tables and services need it.

Rules have no name: the user knows one by what it allows ("ingress IPv4 TCP 22 from anywhere"),
so that summary names it in operation descriptions and messages. Two rules of a group are the
same rule when Neutron says so (`_rule_to_key` in neutron/db/securitygroups_db.py): description
ignored, protocols compared by number, "any address" alike however written.
"""

from collections.abc import Mapping
from typing import Any

from dashboard.i18n import Message, gettext_noop
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


def direction_label(direction: str) -> str:
    """ "ingress" or "egress" in the reader's language (any other value as it is)."""
    return str(DIRECTION_LABELS.get(direction, Message(direction))) if direction else ""


def protocol_label(protocol: str | None) -> Message | str:
    """ "TCP", "ICMPv6", "GRE", "protocol 47", or "any protocol" (a Message where the words are
    ours, rendered in the reader's language)."""
    if not protocol or protocol == "any":
        return Message(gettext_noop("any protocol"))
    if protocol.isdigit():
        return Message(gettext_noop("protocol %(number)s"), {"number": protocol})
    return PROTOCOL_LABELS.get(protocol, protocol.upper())


def port_range_label(rule: Mapping[str, Any]) -> Message | str:
    """ "22", "8000-8080", "type 8 code 0" for ICMP, or "" when the rule covers all of them."""
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if low is None and high is None:
        return ""
    if protocol_number(rule.get("protocol"), rule["ethertype"]) in ICMP_PROTOCOLS:
        if high is None:
            return Message(gettext_noop("type %(type)s"), {"type": low})
        return Message(gettext_noop("type %(type)s code %(code)s"), {"type": low, "code": high})
    return str(low) if low == high else f"{low}-{high}"


def remote_label(rule: Mapping[str, Any], remote_group_name: str = "") -> Message | str:
    """Where the traffic may come from (or go to): a CIDR, a group, or anywhere."""
    if rule.get("remote_group_id"):
        name = remote_group_name or rule["remote_group_id"]
        return Message(gettext_noop("group “%(name)s”"), {"name": name})
    return rule.get("remote_ip_prefix") or Message(gettext_noop("anywhere"))


# The summary of a rule, by direction and whether it has a port range.
SUMMARIES = {
    ("ingress", True): gettext_noop("ingress %(ethertype)s %(protocol)s %(ports)s from %(remote)s"),
    ("ingress", False): gettext_noop("ingress %(ethertype)s %(protocol)s from %(remote)s"),
    ("egress", True): gettext_noop("egress %(ethertype)s %(protocol)s %(ports)s to %(remote)s"),
    ("egress", False): gettext_noop("egress %(ethertype)s %(protocol)s to %(remote)s"),
}
DIRECTION_LABELS = {
    "ingress": Message(gettext_noop("ingress")),
    "egress": Message(gettext_noop("egress")),
}


def rule_summary(rule: Mapping[str, Any], remote_group_name: str = "") -> Message:
    """How the user names a rule: "ingress IPv4 TCP 22 from anywhere", kept as a Message (an
    operation's description holds it) and rendered in the reader's language."""
    ports = port_range_label(rule)
    direction = "egress" if rule["direction"] == "egress" else "ingress"
    return Message(
        SUMMARIES[direction, bool(ports)],
        {
            "ethertype": rule["ethertype"],
            "protocol": protocol_label(rule.get("protocol")),
            "ports": ports,
            "remote": remote_label(rule, remote_group_name),
        },
    )


def row_summary(rule: SecurityGroupRule) -> Message:
    """The summary of a mirror row (its remote group's name read from the mirror)."""
    remote = rule.remote_group.name_or_id if rule.remote_group_id and rule.remote_group else ""
    return rule_summary(rule_attributes(rule), remote)
