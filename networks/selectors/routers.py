"""Reads of the routers mirror, scoped to a project: its routers, their interfaces, gateway and
static routes, and what a router may be attached to."""

import ipaddress
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from networks.models import FloatingIP, Port, Router, Subnet


def router_list(*, project_id: str) -> QuerySet[Router]:
    """The project's routers with their external network and interface count, by name."""
    interface_count = (
        Port.objects.router_interfaces()
        .filter(device_id=OuterRef("pk"))
        .order_by()
        .values("device_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Router.objects.filter(project_id=project_id)
        .select_related("external_network")
        .annotate(
            interface_count=Coalesce(
                Subquery(interface_count, output_field=IntegerField()), Value(0)
            )
        )
        .order_by("name", "id")
    )


def router_get(*, project_id: str, pk: str) -> Router | None:
    """One of the project's routers, else None."""
    return router_list(project_id=project_id).filter(pk=pk).first()


@dataclass(frozen=True)
class RouterInterface:
    """One address a router has on a subnet: the interface port, the subnet, the address."""

    port: Port
    subnet_id: str
    subnet: Subnet | None
    ip_address: str

    @property
    def subnet_label(self) -> str:
        if self.subnet is None:
            return self.subnet_id
        return f"{self.subnet.name_or_id} ({self.subnet.cidr})"

    @property
    def label(self) -> str:
        """How a message names the interface: its subnet and address."""
        return _("%(subnet)s at %(address)s") % {
            "subnet": self.subnet_label,
            "address": self.ip_address,
        }


def router_interface_list(*, project_id: str, router_id: str) -> list[RouterInterface]:
    """The interfaces of one of the project's routers, one per address, by subnet CIDR."""
    ports = Port.objects.router_interfaces(router_id=router_id).filter(project_id=project_id)
    pairs = [(port, ip) for port in ports.order_by("id") for ip in port.fixed_ips]
    subnets = Subnet.objects.in_bulk({ip["subnet_id"] for _, ip in pairs})
    interfaces = [
        RouterInterface(
            port=port,
            subnet_id=ip["subnet_id"],
            subnet=subnets.get(ip["subnet_id"]),
            ip_address=ip["ip_address"],
        )
        for port, ip in pairs
    ]
    return sorted(interfaces, key=lambda i: (i.subnet.cidr if i.subnet else "", i.ip_address))


def router_routed_subnets(*, project_id: str, router: Router) -> list[Subnet]:
    """Every subnet the router routes: its interfaces' subnets and its external network's."""
    interface_subnet_ids = {
        interface.subnet_id
        for interface in router_interface_list(project_id=project_id, router_id=router.id)
    }
    routed = Q(pk__in=interface_subnet_ids)
    if router.external_network_id:
        routed |= Q(network_id=router.external_network_id)
    return list(Subnet.objects.filter(routed).order_by("cidr"))


def router_interface_subnets(*, project_id: str, router: Router) -> list[Subnet]:
    """The subnets the router has an interface on (where a static route's next hop may be)."""
    subnet_ids = {
        interface.subnet_id
        for interface in router_interface_list(project_id=project_id, router_id=router.id)
    }
    return list(Subnet.objects.filter(pk__in=subnet_ids).order_by("cidr"))


def router_floating_ips(*, project_id: str, router_id: str) -> QuerySet[FloatingIP]:
    """The project's floating IPs that reach their ports through this router, by address."""
    return FloatingIP.objects.filter(project_id=project_id, router_id=router_id).order_by(
        "floating_ip_address"
    )


def attachable_subnet_list(*, project_id: str) -> QuerySet[Subnet]:
    """Subnets a router of the project may get an interface on: the project's own."""
    return (
        Subnet.objects.filter(project_id=project_id)
        .select_related("network")
        .order_by("network__name", "cidr")
    )


def attachable_port_list(*, project_id: str) -> QuerySet[Port]:
    """The project's ports that nothing uses yet, which a router may take as an interface."""
    return Port.objects.filter(project_id=project_id, device_id="", device_owner="").order_by(
        "name", "id"
    )


def subnet_of_address(subnets: list[Subnet], address: str) -> Subnet | None:
    """The subnet among `subnets` whose CIDR holds `address`, else None."""
    ip = ipaddress.ip_address(address)
    for subnet in subnets:
        cidr = ipaddress.ip_network(subnet.cidr, strict=False)
        if cidr.version == ip.version and ip in cidr:
            return subnet
    return None


def gateway_address_holder(*, project_id: str, subnet: Subnet) -> Router | bool:
    """Who holds the subnet's gateway address, as the project may be told: its own router, or
    True for anything else (a message then says "in use", never whose); False when it is free."""
    holders = Port.objects.filter(network_id=subnet.network_id).exclude(device_owner="")
    for port in holders:
        if any(
            ip["subnet_id"] == subnet.id and ip["ip_address"] == subnet.gateway_ip
            for ip in port.fixed_ips
        ):
            router = Router.objects.filter(pk=port.device_id, project_id=project_id).first()
            return router if router is not None and port.project_id == project_id else True
    return False
