"""The project's floating IPs, what they map to, and their port forwardings."""

import ipaddress

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboard.mirror.models import SyncState
from networks.models import FloatingIP, Port, PortForwarding, Router, Subnet
from networks.reconcile import PORT_FORWARDING_STATE
from networks.selectors.access import own_server_name


def floating_ip_list(*, project_id: str) -> QuerySet[FloatingIP]:
    """The project's floating IPs with their external network, port and router, by address;
    `server_name` is the instance the port belongs to, if any, and `port_forwarding_count` how
    many port forwardings it has."""
    return (
        FloatingIP.objects.filter(project_id=project_id)
        .select_related("floating_network", "port", "router")
        .annotate(
            server_name=own_server_name(project_id=project_id, device_field="port__device_id"),
            port_forwarding_count=Coalesce(
                Subquery(
                    PortForwarding.objects.filter(floating_ip_id=OuterRef("pk"))
                    .values("floating_ip_id")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                0,
            ),
        )
        .order_by("floating_ip_address")
    )


def floating_ip_get(*, project_id: str, pk: str) -> FloatingIP | None:
    """One of the project's floating IPs, else None."""
    return floating_ip_list(project_id=project_id).filter(pk=pk).first()


def floating_ip_holding_address(*, network_id: str, address: str) -> FloatingIP | None:
    """The floating IP of any project allocated at `address` on the external network, if any."""
    return FloatingIP.objects.filter(
        floating_network_id=network_id, floating_ip_address=address
    ).first()


def floating_ip_of_fixed_ip(*, port_id: str, fixed_ip_address: str) -> FloatingIP | None:
    """The floating IP already mapped to this address of the port, if any."""
    return FloatingIP.objects.filter(port_id=port_id, fixed_ip_address=fixed_ip_address).first()


def floating_ip_target_ports(*, project_id: str) -> QuerySet[Port]:
    """The project's ports a floating IP may map to: ones with an address, serving an instance
    or nothing (not routers, DHCP or other floating IPs), with the instance's name."""
    return (
        Port.objects.filter(project_id=project_id)
        .exclude(fixed_ips=[])
        .exclude(device_owner__startswith="network:")
        .select_related("network")
        .annotate(server_name=own_server_name(project_id=project_id))
        .order_by("name", "id")
    )


def unreachable_reason(
    *, project_id: str, subnet_id: str, external_network_id: str, external_network_name: str
) -> str:
    """Why addresses of `subnet_id` cannot get a floating IP of the external network, according
    to the mirror (no router on the subnet, or none with a gateway there); "" when they can.

    Any project's router on the subnet may carry the traffic (Neutron looks for one), but the
    message speaks only of the project's own routers: others' stay unmentioned."""
    subnet = Subnet.objects.filter(pk=subnet_id).first()
    if subnet is not None:
        subnet_label = _("subnet %(cidr)s (“%(name)s”)") % {
            "cidr": subnet.cidr,
            "name": subnet.name_or_id,
        }
    else:
        subnet_label = _("its subnet")
    router_ids = (
        Port.objects.router_interfaces()
        .filter(fixed_ips__icontains=f'"{subnet_id}"')
        .values_list("device_id", flat=True)
    )
    routers = list(Router.objects.filter(pk__in=list(router_ids)))
    if any(router.external_network_id == external_network_id for router in routers):
        return ""
    own = [router for router in routers if router.project_id == project_id]
    if not own:
        return _(
            "No router of this project is attached to %(subnet)s. Add the subnet as an "
            "interface of a router whose gateway is on “%(network)s”."
        ) % {"subnet": subnet_label, "network": external_network_name}
    names = _(", ").join(_("“%(name)s”") % {"name": router.name_or_id} for router in own)
    return ngettext(
        "The router %(names)s on %(subnet)s has no gateway on “%(network)s”. Set the router's "
        "external gateway to that network first.",
        "The routers %(names)s on %(subnet)s have no gateway on “%(network)s”. Set the router's "
        "external gateway to that network first.",
        len(own),
    ) % {"names": names, "subnet": subnet_label, "network": external_network_name}


def ipv4_addresses(port: Port) -> list[str]:
    """The port's IPv4 fixed addresses (floating IPs map to IPv4 only)."""
    return [
        fixed["ip_address"]
        for fixed in port.fixed_ips
        if ipaddress.ip_address(fixed["ip_address"]).version == 4
    ]


def port_forwarding_supported() -> bool:
    """Whether the cloud has Neutron's floating IP port forwarding extension, as last recorded
    by the reconcile (False until a sweep has looked)."""
    return SyncState.objects.filter(
        group=PORT_FORWARDING_STATE, error="", last_success_at__isnull=False
    ).exists()


def port_forwarding_project_list(*, project_id: str) -> QuerySet[PortForwarding]:
    """The port forwardings of all the project's floating IPs."""
    return PortForwarding.objects.filter(project_id=project_id).order_by(
        "floating_ip_id", "protocol", "external_port_number"
    )


def port_forwarding_list(*, project_id: str, floating_ip_id: str) -> QuerySet[PortForwarding]:
    """The port forwardings of one of the project's floating IPs, with their internal port."""
    return (
        PortForwarding.objects.filter(project_id=project_id, floating_ip_id=floating_ip_id)
        .select_related("internal_port")
        .order_by("protocol", "external_port_number", "external_port_range")
    )


def port_forwarding_get(*, project_id: str, pk: str) -> PortForwarding | None:
    """One port forwarding of the project's floating IPs, with its floating IP, else None."""
    return (
        PortForwarding.objects.filter(project_id=project_id, pk=pk)
        .select_related("floating_ip", "internal_port")
        .first()
    )
