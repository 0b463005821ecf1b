"""Mirror tables of Neutron's networking objects, written only by `networks.reconcile`.

Field names follow the Neutron API reference, with `:` written as `_` (`router:external` is
`router_external`). List-valued attributes are JSON, normalised by the reconcile mappers (sorted
where Neutron's order carries no meaning) so that an unchanged object compares equal. Absent
text attributes (no gateway IP, any protocol) are stored as "", absent relations as null.
"""

from collections.abc import Sequence
from typing import Self

from django.db import models

from dashboard.mirror.models import MirrorModel
from dashboard.mirror.scopes import SHARED, project_scope

# Ports a router owns on the subnets it routes (`device_id` is the router's id). The gateway
# port (`network:router_gateway`) is not an interface: it is `Router.external_gateway_info`.
ROUTER_INTERFACE_OWNERS = (
    "network:router_interface",
    "network:router_interface_distributed",
    "network:ha_router_replicated_interface",
)


class NeutronModel(MirrorModel):
    """What every Neutron object with standard attributes has: revision, timestamps, description."""

    description = models.CharField(max_length=255, blank=True)
    revision_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Network(NeutronModel):
    """A Neutron network of any project, external and shared ones included."""

    status = models.CharField(max_length=16, blank=True)
    admin_state_up = models.BooleanField(default=True)
    # As the service account sees it (shared with every project, or with its own). What a
    # project sees, and whether it sees the network at all, comes from its RBACPolicy rows.
    shared = models.BooleanField(default=False)
    router_external = models.BooleanField(default=False)
    mtu = models.PositiveIntegerField(null=True, blank=True)
    port_security_enabled = models.BooleanField(null=True, blank=True)
    # Provider attributes are visible to administrators only; the mirror is read as one.
    provider_network_type = models.CharField(max_length=32, blank=True)
    provider_physical_network = models.CharField(max_length=64, blank=True)
    provider_segmentation_id = models.PositiveIntegerField(null=True, blank=True)
    availability_zones = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """Its owner, and the projects its RBAC entries share it with or expose it to (the
        `networks.selectors.access` rules); a network shared or external for the service account
        may be seen by every project."""
        seen_by_all = any(row.shared or row.router_external for row in rows)
        return (
            super().change_scopes(rows)
            | rbac_scopes(object_type="network", ids=[row.pk for row in rows])
            | ({SHARED} if seen_by_all else set())
        )


class Subnet(NeutronModel):
    """An IPv4 or IPv6 subnet of a network, with its pools, DNS servers and host routes."""

    network = models.ForeignKey(
        "networks.Network",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="subnets",
        null=True,
        blank=True,
    )
    ip_version = models.PositiveSmallIntegerField()
    cidr = models.CharField(max_length=64)
    gateway_ip = models.CharField(max_length=64, blank=True)
    enable_dhcp = models.BooleanField(default=True)
    allocation_pools = models.JSONField(default=list, blank=True)
    # The order of DNS servers is the order clients try them, so it is kept as Neutron gives it.
    dns_nameservers = models.JSONField(default=list, blank=True)
    host_routes = models.JSONField(default=list, blank=True)
    ipv6_ra_mode = models.CharField(max_length=32, blank=True)
    ipv6_address_mode = models.CharField(max_length=32, blank=True)
    subnetpool_id = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list, blank=True)

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """Subnets are seen by whoever sees their network."""
        networks = Network.objects.filter(pk__in={row.network_id for row in rows})
        return super().change_scopes(rows) | Network.change_scopes(list(networks))


class SubnetPool(NeutronModel):
    """A pool that subnets may take their CIDR from, by prefix length (own or shared pools)."""

    ip_version = models.PositiveSmallIntegerField()
    # The pool's prefixes (CIDRs), sorted.
    prefixes = models.JSONField(default=list, blank=True)
    default_prefixlen = models.PositiveSmallIntegerField(null=True, blank=True)
    min_prefixlen = models.PositiveSmallIntegerField(null=True, blank=True)
    max_prefixlen = models.PositiveSmallIntegerField(null=True, blank=True)
    shared = models.BooleanField(default=False)
    is_default = models.BooleanField(default=False)
    address_scope_id = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list, blank=True)

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """Its owner and the projects its RBAC entries share it with (every project when shared
        for the service account)."""
        seen_by_all = any(row.shared for row in rows)
        return (
            super().change_scopes(rows)
            | rbac_scopes(object_type="subnetpool", ids=[row.pk for row in rows])
            | ({SHARED} if seen_by_all else set())
        )


class PortQuerySet(models.QuerySet["Port"]):
    def router_interfaces(self, *, router_id: str | None = None) -> "PortQuerySet":
        """Ports that attach a router to a subnet (of one router when `router_id` is given)."""
        ports = self.filter(device_owner__in=ROUTER_INTERFACE_OWNERS)
        return ports if router_id is None else ports.filter(device_id=router_id)


class Port(NeutronModel):
    """A port on a network: a server's NIC, a router interface or gateway, a DHCP port, ..."""

    network = models.ForeignKey(
        "networks.Network",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="ports",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=16, blank=True)
    admin_state_up = models.BooleanField(default=True)
    mac_address = models.CharField(max_length=32, blank=True)
    # [{"subnet_id": ..., "ip_address": ...}], sorted by subnet then address.
    fixed_ips = models.JSONField(default=list, blank=True)
    device_owner = models.CharField(max_length=255, blank=True)
    device_id = models.CharField(max_length=255, blank=True, db_index=True)
    port_security_enabled = models.BooleanField(null=True, blank=True)
    security_group_ids = models.JSONField(default=list, blank=True)
    allowed_address_pairs = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)

    objects = PortQuerySet.as_manager()

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """Its owner, and the owner of its network (who reads every port on it)."""
        owners = Network.objects.filter(pk__in={row.network_id for row in rows}).values_list(
            "project_id", flat=True
        )
        return super().change_scopes(rows) | {project_scope(owner) for owner in owners if owner}

    @property
    def is_router_interface(self) -> bool:
        return self.device_owner in ROUTER_INTERFACE_OWNERS


class Router(NeutronModel):
    """A router: its external gateway, its static (extra) routes; interfaces are Ports."""

    status = models.CharField(max_length=16, blank=True)
    admin_state_up = models.BooleanField(default=True)
    # As Neutron returns it ({"network_id", "enable_snat", "external_fixed_ips"}), or null.
    external_gateway_info = models.JSONField(null=True, blank=True)
    # Denormalised from external_gateway_info, for filtering and joins.
    external_network = models.ForeignKey(
        "networks.Network",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="gateway_routers",
        null=True,
        blank=True,
    )
    enable_snat = models.BooleanField(null=True, blank=True)
    # [{"destination": ..., "nexthop": ...}], sorted.
    routes = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)

    @property
    def interfaces(self) -> PortQuerySet:
        """This router's interface ports, read from the mirror."""
        return Port.objects.router_interfaces(router_id=self.id)


class FloatingIP(NeutronModel):
    """A floating IP allocated from an external network, associated to a port or not."""

    floating_ip_address = models.CharField(max_length=64)
    floating_network = models.ForeignKey(
        "networks.Network",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="floating_ips",
        null=True,
        blank=True,
    )
    fixed_ip_address = models.CharField(max_length=64, blank=True)
    port = models.ForeignKey(
        "networks.Port",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="floating_ips",
        null=True,
        blank=True,
    )
    router = models.ForeignKey(
        "networks.Router",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="floating_ips",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=16, blank=True)
    # Only filled when the cloud has the dns-integration extension.
    dns_name = models.CharField(max_length=255, blank=True)
    dns_domain = models.CharField(max_length=255, blank=True)
    tags = models.JSONField(default=list, blank=True)

    label_fields = ("floating_ip_address",)

    def __str__(self) -> str:
        return self.floating_ip_address or self.id

    @property
    def name_or_id(self) -> str:
        """Floating IPs have no name; users know them by their address."""
        return self.floating_ip_address or self.id


class PortForwarding(MirrorModel):
    """A port forwarding rule of a floating IP (external port -> a port's internal IP and port).

    It has no project of its own in the API: the mirror gives it its floating IP's project.
    """

    floating_ip = models.ForeignKey(
        "networks.FloatingIP",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="port_forwardings",
        null=True,
        blank=True,
    )
    protocol = models.CharField(max_length=16)
    internal_port = models.ForeignKey(
        "networks.Port",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="port_forwardings",
        null=True,
        blank=True,
    )
    internal_ip_address = models.CharField(max_length=64, blank=True)
    # Single ports, or ranges ("8000:8010") where the cloud has the port-range extension.
    internal_port_number = models.PositiveIntegerField(null=True, blank=True)
    external_port_number = models.PositiveIntegerField(null=True, blank=True)
    internal_port_range = models.CharField(max_length=16, blank=True)
    external_port_range = models.CharField(max_length=16, blank=True)
    description = models.CharField(max_length=255, blank=True)


class RBACPolicy(MirrorModel):
    """A Neutron RBAC policy: the owner of a network (or subnet pool, security group, ...)
    grants a project, or every project (`*`), access to it.

    Neutron decides per project what such objects look like: a network shared with one project
    is `shared` (and listed) for that project only, and an external network is listed to the
    projects its `access_as_external` entries name. The mirror is read as an administrator,
    so it keeps the entries and the selectors apply them. `project_id` is the policy's owner.
    """

    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=32)
    target_project_id = models.CharField(max_length=64, db_index=True)

    @classmethod
    def change_scopes(cls, rows: Sequence[Self]) -> set[str]:
        """The owner and the project granted (every project for `*`): an object appears to or
        leaves the projects an entry names."""
        return super().change_scopes(rows) | {_target_scope(row.target_project_id) for row in rows}


def _target_scope(target_project_id: str) -> str:
    return SHARED if target_project_id == "*" else project_scope(target_project_id)


def rbac_scopes(*, object_type: str, ids: Sequence[str]) -> set[str]:
    """The scopes of the projects RBAC entries grant these objects to."""
    targets = RBACPolicy.objects.filter(object_type=object_type, object_id__in=ids).values_list(
        "target_project_id", flat=True
    )
    return {_target_scope(target) for target in targets}


class SecurityGroup(NeutronModel):
    """A security group; its rules are SecurityGroupRule rows."""

    stateful = models.BooleanField(default=True)
    tags = models.JSONField(default=list, blank=True)


class SecurityGroupRule(NeutronModel):
    """One rule of a security group: direction, ethertype, protocol, ports and remote."""

    security_group = models.ForeignKey(
        "networks.SecurityGroup",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="rules",
        null=True,
        blank=True,
    )
    direction = models.CharField(max_length=8)
    ethertype = models.CharField(max_length=8)
    protocol = models.CharField(max_length=40, blank=True)  # as Neutron's column
    port_range_min = models.PositiveIntegerField(null=True, blank=True)
    port_range_max = models.PositiveIntegerField(null=True, blank=True)
    remote_ip_prefix = models.CharField(max_length=64, blank=True)
    remote_group = models.ForeignKey(
        "networks.SecurityGroup",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="referencing_rules",
        null=True,
        blank=True,
    )
