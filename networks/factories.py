"""factory_boy factories for the networking mirror rows, for view and API tests.

They write mirror rows only; nothing here touches the cloud. Related rows share their parent's
project unless a test says otherwise.
"""

import uuid
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

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


def _uuid() -> str:
    return str(uuid.uuid4())


def _project_id() -> str:
    return uuid.uuid4().hex


class MirrorFactory(DjangoModelFactory):
    id = factory.LazyFunction(_uuid)
    project_id = factory.LazyFunction(_project_id)
    synced_at = factory.LazyFunction(timezone.now)
    revision_number = 1
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True


class RBACPolicyFactory(DjangoModelFactory):
    """An entry sharing a network with every project (`*`)."""

    id = factory.LazyFunction(_uuid)
    project_id = factory.LazyFunction(_project_id)
    synced_at = factory.LazyFunction(timezone.now)
    object_type = "network"
    object_id = factory.LazyFunction(_uuid)
    action = "access_as_shared"
    target_project_id = "*"

    class Meta:
        model = RBACPolicy


class NetworkFactory(MirrorFactory):
    """A network; a shared or external one comes with the `*` RBAC entry Neutron gives it."""

    name = factory.Sequence(lambda n: f"net-{n}")
    status = "ACTIVE"
    mtu = 1450
    port_security_enabled = True

    class Meta:
        model = Network
        skip_postgeneration_save = True

    class Params:
        external = factory.Trait(router_external=True, name=factory.Sequence(lambda n: f"ext-{n}"))

    @factory.post_generation
    def everyone(network: Network, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`*` entries like those Neutron makes for `shared` and `router:external`; pass
        `everyone=False` for a network shared or external only where RBAC entries say."""
        if not create or extracted is False:
            return
        for action, wanted in (
            ("access_as_shared", network.shared),
            ("access_as_external", network.router_external),
        ):
            if wanted:
                RBACPolicyFactory(
                    project_id=network.project_id, object_id=network.id, action=action
                )


class SubnetFactory(MirrorFactory):
    name = factory.Sequence(lambda n: f"subnet-{n}")
    network = factory.SubFactory(NetworkFactory, project_id=factory.SelfAttribute("..project_id"))
    ip_version = 4
    cidr = factory.Sequence(lambda n: f"10.{n // 256 % 256}.{n % 256}.0/24")
    gateway_ip = factory.LazyAttribute(lambda subnet: subnet.cidr.replace(".0/24", ".1"))
    allocation_pools = factory.LazyAttribute(
        lambda subnet: [
            {
                "start": subnet.cidr.replace(".0/24", ".2"),
                "end": subnet.cidr.replace(".0/24", ".254"),
            }
        ]
    )

    class Meta:
        model = Subnet


class PortFactory(MirrorFactory):
    network = factory.SubFactory(NetworkFactory, project_id=factory.SelfAttribute("..project_id"))
    status = "ACTIVE"
    mac_address = factory.Sequence(lambda n: f"fa:16:3e:00:{n // 256 % 256:02x}:{n % 256:02x}")
    fixed_ips = factory.Sequence(
        lambda n: [{"subnet_id": _uuid(), "ip_address": f"10.0.{n // 250 % 256}.{n % 250 + 2}"}]
    )
    device_owner = "compute:nova"
    device_id = factory.LazyFunction(_uuid)
    port_security_enabled = True

    class Meta:
        model = Port


class RouterFactory(MirrorFactory):
    name = factory.Sequence(lambda n: f"router-{n}")
    status = "ACTIVE"

    class Meta:
        model = Router

    class Params:
        # A gateway on a new external network, SNAT on.
        with_gateway = factory.Trait(
            external_network=factory.SubFactory(NetworkFactory, external=True),
            enable_snat=True,
            external_gateway_info=factory.LazyAttribute(
                lambda router: {
                    "network_id": router.external_network.id,
                    "enable_snat": True,
                    "external_fixed_ips": [],
                }
            ),
        )


class RouterInterfaceFactory(PortFactory):
    """A router's interface port on a subnet of `network`."""

    device_owner = "network:router_interface"
    device_id = factory.LazyAttribute(lambda port: port.router.id)  # type: ignore[assignment]
    status = "DOWN"

    class Params:
        router = factory.SubFactory(RouterFactory, project_id=factory.SelfAttribute("..project_id"))


class FloatingIPFactory(MirrorFactory):
    floating_ip_address = factory.Sequence(lambda n: f"203.0.113.{n % 250 + 2}")
    floating_network = factory.SubFactory(NetworkFactory, external=True)
    status = "DOWN"

    class Meta:
        model = FloatingIP


class SecurityGroupFactory(MirrorFactory):
    name = factory.Sequence(lambda n: f"sg-{n}")

    class Meta:
        model = SecurityGroup


class SecurityGroupRuleFactory(MirrorFactory):
    security_group = factory.SubFactory(
        SecurityGroupFactory, project_id=factory.SelfAttribute("..project_id")
    )
    direction = "ingress"
    ethertype = "IPv4"
    protocol = "tcp"
    port_range_min = 22
    port_range_max = 22
    remote_ip_prefix = "0.0.0.0/0"

    class Meta:
        model = SecurityGroupRule


class SubnetPoolFactory(MirrorFactory):
    """A subnet pool; a shared one comes with the `*` RBAC entry Neutron gives it."""

    name = factory.Sequence(lambda n: f"pool-{n}")
    ip_version = 4
    prefixes = factory.Sequence(lambda n: [f"172.{16 + n % 16}.0.0/16"])
    default_prefixlen = 26
    min_prefixlen = 24
    max_prefixlen = 28

    class Meta:
        model = SubnetPool
        skip_postgeneration_save = True

    @factory.post_generation
    def everyone(pool: SubnetPool, create: bool, extracted: Any, **kwargs: Any) -> None:
        """The `*` entry of a `shared` pool; `everyone=False` leaves it to RBAC entries."""
        if create and extracted is not False and pool.shared:
            RBACPolicyFactory(
                project_id=pool.project_id, object_type="subnetpool", object_id=pool.id
            )


class PortForwardingFactory(DjangoModelFactory):
    """A TCP rule of a new unassociated floating IP to a new port, in the rule's project."""

    id = factory.LazyFunction(_uuid)
    project_id = factory.LazyFunction(_project_id)
    synced_at = factory.LazyFunction(timezone.now)
    floating_ip = factory.SubFactory(
        FloatingIPFactory, project_id=factory.SelfAttribute("..project_id")
    )
    protocol = "tcp"
    internal_port = factory.SubFactory(
        PortFactory, project_id=factory.SelfAttribute("..project_id")
    )
    internal_ip_address = factory.LazyAttribute(
        lambda rule: rule.internal_port.fixed_ips[0]["ip_address"]
    )
    internal_port_number = 22
    external_port_number = factory.Sequence(lambda n: 2000 + n % 60000)
    internal_port_range = "22:22"
    external_port_range = factory.LazyAttribute(
        lambda rule: f"{rule.external_port_number}:{rule.external_port_number}"
    )

    class Meta:
        model = PortForwarding
