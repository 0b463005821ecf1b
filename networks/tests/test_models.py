"""The networking mirror tables: helpers that read them, and the factories that fill them."""

import pytest

from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    RouterFactory,
    RouterInterfaceFactory,
    SecurityGroupRuleFactory,
    SubnetFactory,
)
from networks.models import Port, Router

pytestmark = pytest.mark.django_db


def test_router_interfaces_are_its_interface_ports_only() -> None:
    router = RouterFactory()
    interface = RouterInterfaceFactory(router=router, project_id=router.project_id)
    distributed = RouterInterfaceFactory(
        router=router, device_owner="network:router_interface_distributed"
    )
    RouterInterfaceFactory()  # another router's interface
    PortFactory(device_id=router.id, device_owner="network:router_gateway")
    PortFactory(device_id=router.id, device_owner="compute:nova")

    assert set(router.interfaces) == {interface, distributed}
    assert set(Port.objects.router_interfaces(router_id=router.id)) == {interface, distributed}
    assert Port.objects.router_interfaces().count() == 3
    assert interface.is_router_interface
    assert not PortFactory().is_router_interface


def test_rows_relate_without_database_constraints() -> None:
    """Reconcile may write a port before its network: the relation just dangles until then."""
    port = PortFactory(network_id="not-mirrored-yet")
    assert Port.objects.get(pk=port.pk).network_id == "not-mirrored-yet"
    network = NetworkFactory(id="not-mirrored-yet")
    assert list(network.ports.all()) == [port]


def test_factories_share_the_parent_project() -> None:
    subnet = SubnetFactory()
    rule = SecurityGroupRuleFactory()
    assert subnet.network.project_id == subnet.project_id
    assert subnet.gateway_ip.endswith(".1")
    assert rule.security_group.project_id == rule.project_id


def test_router_gateway_trait_points_at_an_external_network() -> None:
    router = RouterFactory(with_gateway=True)
    assert router.external_network.router_external
    assert router.external_gateway_info["network_id"] == router.external_network_id
    assert list(router.external_network.gateway_routers.all()) == [router]
    assert Router.objects.filter(external_network__router_external=True).count() == 1


def test_floating_ip_is_named_by_its_address() -> None:
    floating_ip = FloatingIPFactory(floating_ip_address="203.0.113.7")
    assert str(floating_ip) == floating_ip.name_or_id == "203.0.113.7"
    assert floating_ip.floating_network.router_external
