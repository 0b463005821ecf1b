"""What can be known about a subnet's addresses without asking the cloud: pure checks, no I/O.

Each function takes text as a user typed it (or values parsed by another function here) and
returns Neutron-ready values, or raises `ValueError` whose message says what is wrong and what
to type instead, in the active language. Forms turn those messages into field errors;
Neutron's own rules are followed (an IPv4 gateway or pool may not hold the network or
broadcast address; SLAAC needs a /64).
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext as _

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

IPV6_MODES = ("slaac", "dhcpv6-stateful", "dhcpv6-stateless")
# Modes in which hosts build their address from the prefix (EUI-64), which needs a /64.
IPV6_AUTOCONFIG_MODES = ("slaac", "dhcpv6-stateless")


@dataclass(frozen=True)
class Pool:
    """An allocation pool: the addresses from `start` to `end`, both included.

    Addresses are compared as integers here and below, always two of one IP version (checked
    first): `ipaddress` orders no others, and so its types do not say they compare."""

    start: IPAddress
    end: IPAddress

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"

    def __contains__(self, address: IPAddress) -> bool:
        return address.version == self.start.version and (
            int(self.start) <= int(address) <= int(self.end)
        )

    def overlaps(self, other: "Pool") -> bool:
        return int(self.start) <= int(other.end) and int(other.start) <= int(self.end)

    def as_neutron(self) -> dict[str, str]:
        return {"start": str(self.start), "end": str(self.end)}


def lines(text: str) -> list[str]:
    """The non-blank lines of a textarea, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_cidr(text: str) -> IPNetwork:
    """A subnet's CIDR such as 10.0.0.0/24 or 2001:db8::/64, host bits clear."""
    text = text.strip()
    if "/" not in text:
        raise ValueError(
            _("“%(text)s” has no prefix length: write it as 10.0.0.0/24 or 2001:db8::/64.")
            % {"text": text}
        )
    try:
        interface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValueError(
            _("“%(text)s” is not a CIDR: write it as 10.0.0.0/24 or 2001:db8::/64.")
            % {"text": text}
        ) from None
    network = interface.network
    if interface.ip != network.network_address:
        raise ValueError(
            _(
                "%(text)s has host bits set: the network is %(network)s. Use that, or another "
                "prefix."
            )
            % {"text": text, "network": network}
        )
    if network.prefixlen == 0:
        raise ValueError(_("A subnet cannot span every address (prefix length 0)."))
    return network


def parse_address(text: str, *, version: int | None = None, what: str = "") -> IPAddress:
    """One IP address, of `version` when given; `what` names it in the reader's language
    ("gateway address"; by default "address")."""
    text = text.strip()
    what = what or _("address")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(
            # Translators: %(what)s is a kind of address: "address", "gateway address", "next hop".
            _("“%(text)s” is not an IP %(what)s.") % {"text": text, "what": what}
        ) from None
    if version is not None and address.version != version:
        raise ValueError(
            _("%(text)s is an IPv%(own)s %(what)s; this subnet is IPv%(version)s.")
            % {"text": text, "own": address.version, "what": what, "version": version}
        )
    return address


def usable_range(cidr: IPNetwork) -> tuple[IPAddress, IPAddress]:
    """The first and last address a host may have: not the network address, nor IPv4's
    broadcast address."""
    last = cidr.broadcast_address - 1 if cidr.version == 4 else cidr.broadcast_address
    return cidr.network_address + 1, last


def default_gateway(cidr: IPNetwork) -> IPAddress:
    """The gateway Neutron gives a subnet created without one: IPv4's first host address,
    IPv6's subnet-router anycast address (the network address)."""
    return cidr.network_address + 1 if cidr.version == 4 else cidr.network_address


def check_gateway(gateway: IPAddress, cidr: IPNetwork) -> None:
    """The gateway must lie inside the subnet; in IPv4, not on its network or broadcast address."""
    if gateway.version != cidr.version:
        raise ValueError(
            _("%(gateway)s is IPv%(own)s; the subnet %(cidr)s is IPv%(version)s.")
            % {"gateway": gateway, "own": gateway.version, "cidr": cidr, "version": cidr.version}
        )
    if gateway not in cidr:
        raise ValueError(
            _("%(gateway)s is outside the subnet %(cidr)s: choose an address inside it.")
            % {"gateway": gateway, "cidr": cidr}
        )
    if cidr.version == 4 and gateway in (cidr.network_address, cidr.broadcast_address):
        if gateway == cidr.network_address:
            message = _(
                "%(gateway)s is the network address of %(cidr)s; choose a host address, such as "
                "%(example)s."
            )
        else:
            message = _(
                "%(gateway)s is the broadcast address of %(cidr)s; choose a host address, such "
                "as %(example)s."
            )
        raise ValueError(
            message % {"gateway": gateway, "cidr": cidr, "example": default_gateway(cidr)}
        )


def parse_pools(text: str, *, version: int | None = None) -> list[Pool]:
    """Allocation pools, one `start-end` per line (10.0.0.10-10.0.0.50)."""
    pools = []
    for line in lines(text):
        start, dash, end = line.partition("-")
        if not dash:
            raise ValueError(
                _("“%(line)s” is not a range: write one per line, as 10.0.0.10-10.0.0.50.")
                % {"line": line}
            )
        pool = Pool(parse_address(start, version=version), parse_address(end, version=version))
        if pool.start.version != pool.end.version:
            raise ValueError(_("%(line)s mixes IPv4 and IPv6.") % {"line": line})
        if int(pool.start) > int(pool.end):
            raise ValueError(
                _("%(line)s ends before it starts: write the lower address first.") % {"line": line}
            )
        pools.append(pool)
    return pools


def check_pools(pools: list[Pool], cidr: IPNetwork, gateway: IPAddress | None) -> None:
    """Pools lie within the subnet's host addresses, do not overlap, and leave the gateway out."""
    first, last = usable_range(cidr)
    for pool in pools:
        if pool.start.version != cidr.version or not (
            int(first) <= int(pool.start) and int(pool.end) <= int(last)
        ):
            raise ValueError(
                _(
                    "The pool %(pool)s is not within %(cidr)s: pools must lie between %(first)s "
                    "and %(last)s."
                )
                % {"pool": pool, "cidr": cidr, "first": first, "last": last}
            )
    ordered = sorted(pools, key=lambda pool: pool.start)
    for before, after in pairwise(ordered):
        if before.overlaps(after):
            raise ValueError(
                _("The pools %(before)s and %(after)s overlap: make them separate ranges.")
                % {"before": before, "after": after}
            )
    if gateway is not None:
        for pool in pools:
            if gateway in pool:
                raise ValueError(
                    _(
                        "The gateway %(gateway)s is inside the pool %(pool)s: leave it out of the "
                        "pools."
                    )
                    % {"gateway": gateway, "pool": pool}
                )


def parse_dns_servers(text: str) -> list[str]:
    """DNS name servers, one IP address per line, in the order clients should try them."""
    what = _("address of a DNS server")
    servers = [str(parse_address(line, what=what)) for line in lines(text)]
    if duplicates := sorted({s for s in servers if servers.count(s) > 1}):
        raise ValueError(_("%(addresses)s is listed twice.") % {"addresses": ", ".join(duplicates)})
    return servers


def parse_host_routes(text: str, *, version: int | None = None) -> list[dict[str, str]]:
    """Host routes, one `destination,next hop` per line (192.168.0.0/24,10.0.0.1)."""
    routes = []
    for line in lines(text):
        destination, comma, nexthop = line.partition(",")
        if not comma:
            raise ValueError(
                _("“%(line)s” is not a route: write one per line, as 192.168.0.0/24,10.0.0.1.")
                % {"line": line}
            )
        network = parse_cidr(destination)
        hop = parse_address(nexthop, version=network.version, what=_("next hop"))
        if version is not None and network.version != version:
            raise ValueError(
                _("The route to %(network)s is IPv%(own)s; the subnet is IPv%(version)s.")
                % {"network": network, "own": network.version, "version": version}
            )
        routes.append({"destination": str(network), "nexthop": str(hop)})
    return routes


def check_ipv6_modes(
    *, version: int, ra_mode: str, address_mode: str, prefixlen: int | None
) -> None:
    """IPv6 modes only on IPv6 subnets; both the same when both are set; autoconfiguration on
    a /64 only."""
    if version == 4:
        if ra_mode or address_mode:
            raise ValueError(
                _("IPv6 router advertisement and address modes apply to IPv6 subnets only.")
            )
        return
    if ra_mode and address_mode and ra_mode != address_mode:
        raise ValueError(
            _(
                "Router advertisement mode %(ra_mode)s does not go with address mode "
                "%(address_mode)s: when both are set they must be the same."
            )
            % {"ra_mode": ra_mode, "address_mode": address_mode}
        )
    autoconfig = {ra_mode, address_mode} & set(IPV6_AUTOCONFIG_MODES)
    if autoconfig and prefixlen is not None and prefixlen != 64:
        raise ValueError(
            _("%(modes)s needs a /64 subnet (EUI-64 addresses).")
            % {"modes": ", ".join(sorted(autoconfig))}
        )


def first_overlap(cidr: IPNetwork, others: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The first of `others` (label, CIDR) whose CIDR overlaps `cidr`, else None."""
    for label, other in others:
        try:
            network = ipaddress.ip_network(other, strict=False)
        except ValueError:
            continue
        if network.version == cidr.version and network.overlaps(cidr):
            return label, other
    return None
