"""networks.validation: a subnet's addresses checked without the cloud or the database."""

import ipaddress

import pytest

from networks import validation

V4 = ipaddress.ip_network("10.0.0.0/24")
V6 = ipaddress.ip_network("2001:db8::/64")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.0", "has no prefix length"),
        ("10.0.0.0/33", "is not a CIDR"),
        ("banana/24", "is not a CIDR"),
        ("10.0.0.5/24", "has host bits set: the network is 10.0.0.0/24"),
        ("0.0.0.0/0", "prefix length 0"),
    ],
)
def test_bad_cidrs_are_refused_saying_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validation.parse_cidr(text)


def test_good_cidrs_parse_in_both_versions() -> None:
    assert validation.parse_cidr(" 10.0.0.0/24 ") == V4
    assert validation.parse_cidr("2001:db8::/64") == V6


@pytest.mark.parametrize(
    ("gateway", "message"),
    [
        ("10.0.1.1", "outside the subnet 10.0.0.0/24"),
        ("10.0.0.0", "network address"),
        ("10.0.0.255", "broadcast address"),
        ("2001:db8::1", "is IPv6"),
    ],
)
def test_gateways_must_be_host_addresses_of_the_subnet(gateway: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validation.check_gateway(ipaddress.ip_address(gateway), V4)


def test_an_ipv6_gateway_may_be_any_address_of_the_subnet_as_in_neutron() -> None:
    for address in ("2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"):
        validation.check_gateway(ipaddress.ip_address(address), V6)
    assert validation.default_gateway(V6) == ipaddress.ip_address("2001:db8::")
    assert validation.default_gateway(V4) == ipaddress.ip_address("10.0.0.1")


def test_pools_parse_one_range_per_line() -> None:
    pools = validation.parse_pools("10.0.0.10-10.0.0.50\n\n 10.0.0.60 - 10.0.0.70 ", version=4)

    assert [pool.as_neutron() for pool in pools] == [
        {"start": "10.0.0.10", "end": "10.0.0.50"},
        {"start": "10.0.0.60", "end": "10.0.0.70"},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.10", "is not a range"),
        ("10.0.0.50-10.0.0.10", "ends before it starts"),
        ("10.0.0.10-2001:db8::1", "IPv6"),
        ("10.0.0.x-10.0.0.9", "is not an IP address"),
    ],
)
def test_bad_pools_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validation.parse_pools(text, version=4)


@pytest.mark.parametrize(
    ("text", "gateway", "message"),
    [
        ("10.0.0.200-10.0.1.10", None, "is not within 10.0.0.0/24"),
        ("10.0.0.0-10.0.0.10", None, "between 10.0.0.1 and 10.0.0.254"),
        ("10.0.0.250-10.0.0.255", None, "is not within"),
        ("10.0.0.10-10.0.0.50\n10.0.0.40-10.0.0.60", None, "overlap"),
        ("10.0.0.1-10.0.0.50", "10.0.0.1", "gateway 10.0.0.1 is inside the pool"),
    ],
)
def test_pools_lie_inside_the_subnet_apart_and_without_the_gateway(
    text: str, gateway: str | None, message: str
) -> None:
    pools = validation.parse_pools(text)
    address = ipaddress.ip_address(gateway) if gateway else None

    with pytest.raises(ValueError, match=message):
        validation.check_pools(pools, V4, address)


def test_dns_servers_keep_their_order_and_must_be_addresses() -> None:
    assert validation.parse_dns_servers("9.9.9.9\n1.1.1.1\n2001:4860:4860::8888") == [
        "9.9.9.9",
        "1.1.1.1",
        "2001:4860:4860::8888",
    ]
    with pytest.raises(ValueError, match="is not an IP address of a DNS server"):
        validation.parse_dns_servers("dns.example")
    with pytest.raises(ValueError, match="listed twice"):
        validation.parse_dns_servers("9.9.9.9\n9.9.9.9")


def test_host_routes_are_destination_comma_next_hop() -> None:
    assert validation.parse_host_routes("192.168.0.0/24,10.0.0.1", version=4) == [
        {"destination": "192.168.0.0/24", "nexthop": "10.0.0.1"}
    ]
    with pytest.raises(ValueError, match="is not a route"):
        validation.parse_host_routes("192.168.0.0/24 10.0.0.1")
    with pytest.raises(ValueError, match="host bits set"):
        validation.parse_host_routes("192.168.0.1/24,10.0.0.1")
    with pytest.raises(ValueError, match="the subnet is IPv6"):
        validation.parse_host_routes("192.168.0.0/24,10.0.0.1", version=6)


def test_ipv6_modes() -> None:
    validation.check_ipv6_modes(version=6, ra_mode="slaac", address_mode="slaac", prefixlen=64)
    validation.check_ipv6_modes(version=6, ra_mode="", address_mode="dhcpv6-stateful", prefixlen=80)
    with pytest.raises(ValueError, match="IPv6 subnets only"):
        validation.check_ipv6_modes(version=4, ra_mode="slaac", address_mode="", prefixlen=24)
    with pytest.raises(ValueError, match="must be the same"):
        validation.check_ipv6_modes(
            version=6, ra_mode="slaac", address_mode="dhcpv6-stateful", prefixlen=64
        )
    with pytest.raises(ValueError, match="needs a /64"):
        validation.check_ipv6_modes(version=6, ra_mode="", address_mode="slaac", prefixlen=80)


def test_first_overlap_names_the_subnet_of_the_same_version() -> None:
    others = [("v6", "2001:db8::/64"), ("apart", "10.1.0.0/16"), ("wide", "10.0.0.0/16")]

    assert validation.first_overlap(V4, others) == ("wide", "10.0.0.0/16")
    assert validation.first_overlap(ipaddress.ip_network("10.2.0.0/24"), others) is None
