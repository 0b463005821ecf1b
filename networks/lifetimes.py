"""The networks app's part of the trials' clean-up (`tenants.lifetimes`): unattached floating IPs
expire after TRIAL_FLOATING_IP_IDLE_HOURS, counted from Neutron's `updated_at` (what last changed
the address: its allocation, or its detachment); at the trial's end every floating IP, router
(interfaces and gateway first), port, subnet, network and security group of the project is
removed, each with this app's own delete service."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from networks.models import (
    ROUTER_INTERFACE_OWNERS,
    FloatingIP,
    Network,
    Port,
    Router,
    SecurityGroup,
    Subnet,
)
from networks.reconcile import reconcile_floating_ips
from networks.services.common import NEUTRON
from networks.services.floating_ips import floating_ip_delete
from networks.services.networks import network_delete
from networks.services.ports import port_delete
from networks.services.routers import router_clear_gateway, router_delete, router_remove_interface
from networks.services.security_groups import security_group_delete
from networks.services.subnets import subnet_delete
from tenants.lifetimes import LifetimeKind, Removal, Resource, as_step, register_lifetime_kind

# Ports the dry run leaves to what owns them, as the trial's end removes them with it: a
# router's, DHCP's and floating IPs' (Neutron's own), an instance's (Nova deletes those it made
# with the server). A port made first and then attached to an instance outlives it: the trial's
# end deletes it with the other ports left, the dry run counts it under its instance.
LEFT_TO_OWNERS = ("network:", "compute:")


def _listing(project_id: str) -> Message:
    return Message(
        gettext_noop("list the networking objects of project %(project)s"), {"project": project_id}
    )


def _resources(resource_type: str, rows: Any) -> list[Resource]:
    return [Resource(resource_type, row.pk, row.name_or_id, row.project_id) for row in rows]


def _owned(resource_type: str, model: type[Model]) -> Callable[[str, list[str]], list[Resource]]:
    """The project's rows of `model` in the mirror, as the clean-up lists them."""
    return lambda project_id, user_ids: _resources(
        resource_type, model._default_manager.filter(project_id=project_id)
    )


# ---- floating IPs --------------------------------------------------------------------------------


def idle_floating_ips(project_ids: list[str]) -> list[Removal]:
    """Unattached floating IPs of these projects, each released its idle time after Neutron last
    changed it (none while TRIAL_FLOATING_IP_IDLE_HOURS is 0)."""
    hours = settings.TRIAL_FLOATING_IP_IDLE_HOURS
    if hours <= 0:
        return []
    rows = FloatingIP.objects.filter(
        project_id__in=project_ids, port_id=None, updated_at__isnull=False
    ).only("id", "floating_ip_address", "project_id", "updated_at")
    return [
        Removal(
            Resource("floating_ip", row.pk, row.name_or_id, row.project_id),
            row.updated_at + timedelta(hours=hours),
        )
        for row in rows
        if row.updated_at is not None
    ]


def idle_floating_ip_release(resource: Resource) -> OperationRequest:
    return OperationRequest(
        service=floating_ip_delete,
        description=Message(
            gettext_noop(
                "Release floating IP %(address)s: it was not attached to anything for %(hours)s "
                "hours (the try-out cloud's limit)"
            ),
            {"address": resource.name, "hours": settings.TRIAL_FLOATING_IP_IDLE_HOURS},
        ),
        target_type="floating_ip",
        target_id=resource.id,
        target_name=resource.name,
        params={"floating_ip_id": resource.id},
    )


def floating_ips_refresh(ids: list[str]) -> None:
    reconcile_floating_ips(conn=service_connection(), ids=ids)


def floating_ips_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    with translated(doing=_listing(project_id), service=NEUTRON):
        addresses = list(conn.network.ips(project_id=project_id))
    for address in addresses:
        resource = Resource("floating_ip", address.id, address.floating_ip_address, project_id)
        floating_ip_delete(
            conn=conn, operation=as_step(operation, resource=resource), floating_ip_id=address.id
        )


# ---- routers, ports, subnets, networks, security groups ----------------------------------------


def routers_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    """Each router's interfaces, then its gateway, then the router."""
    with translated(doing=_listing(project_id), service=NEUTRON):
        routers = list(conn.network.routers(project_id=project_id))
    for router in routers:
        resource = Resource("router", router.id, router.name or router.id, project_id)
        with translated(doing=_listing(project_id), service=NEUTRON):
            interfaces = [
                port
                for port in conn.network.ports(device_id=router.id)
                if port.device_owner in ROUTER_INTERFACE_OWNERS
            ]
        for port in interfaces:
            step = as_step(
                operation,
                resource=resource,
                description=Message(
                    gettext_noop("Remove the interface %(port)s of router “%(name)s”"),
                    {"port": port.id, "name": resource.name},
                ),
            )
            router_remove_interface(conn=conn, operation=step, router_id=router.id, port_id=port.id)
        step = as_step(operation, resource=resource)
        if router.external_gateway_info:
            router_clear_gateway(conn=conn, operation=step, router_id=router.id)
        router_delete(conn=conn, operation=step, router_id=router.id)


def ports_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    """The ports left once servers and routers are gone (see LEFT_TO_OWNERS)."""
    with translated(doing=_listing(project_id), service=NEUTRON):
        ports = [
            port
            for port in conn.network.ports(project_id=project_id)
            if not (port.device_owner or "").startswith("network:")
        ]
    for port in ports:
        resource = Resource("port", port.id, port.name or port.id, project_id)
        port_delete(conn=conn, operation=as_step(operation, resource=resource), port_id=port.id)


def subnets_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    with translated(doing=_listing(project_id), service=NEUTRON):
        subnets = list(conn.network.subnets(project_id=project_id))
    for subnet in subnets:
        resource = Resource("subnet", subnet.id, subnet.name or subnet.id, project_id)
        subnet_delete(
            conn=conn, operation=as_step(operation, resource=resource), subnet_id=subnet.id
        )


def networks_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    with translated(doing=_listing(project_id), service=NEUTRON):
        networks = list(conn.network.networks(project_id=project_id))
    for network in networks:
        resource = Resource("network", network.id, network.name or network.id, project_id)
        network_delete(
            conn=conn, operation=as_step(operation, resource=resource), network_id=network.id
        )


def security_groups_purge(
    *, conn: Connection, operation: Operation, project_id: str, user_ids: list[str]
) -> None:
    """Every group, the default one too (Neutron lets an admin). Neutron makes a project's
    default group again whenever the project's groups are listed: this lists them once."""
    with translated(doing=_listing(project_id), service=NEUTRON):
        groups = list(conn.network.security_groups(project_id=project_id))
    for group in groups:
        resource = Resource("security_group", group.id, group.name or group.id, project_id)
        security_group_delete(
            conn=conn, operation=as_step(operation, resource=resource), security_group_id=group.id
        )


def _ports_owned(project_id: str, user_ids: list[str]) -> list[Resource]:
    rows = Port.objects.filter(project_id=project_id)
    for owner in LEFT_TO_OWNERS:
        rows = rows.exclude(device_owner__startswith=owner)
    return _resources("port", rows)


def register() -> None:
    """Declare this app's kinds to the clean-up (from `NetworksConfig.ready`)."""
    for kind in (
        LifetimeKind(
            resource_type="floating_ip",
            label=_("Floating IPs"),
            order=10,
            owned=_owned("floating_ip", FloatingIP),
            purge=floating_ips_purge,
            expiring=idle_floating_ips,
            removal_request=idle_floating_ip_release,
            refresh=floating_ips_refresh,
        ),
        LifetimeKind(
            resource_type="router",
            label=_("Routers"),
            order=30,
            owned=_owned("router", Router),
            purge=routers_purge,
        ),
        LifetimeKind(
            resource_type="port", label=_("Ports"), order=40, owned=_ports_owned, purge=ports_purge
        ),
        LifetimeKind(
            resource_type="subnet",
            label=_("Subnets"),
            order=50,
            owned=_owned("subnet", Subnet),
            purge=subnets_purge,
        ),
        LifetimeKind(
            resource_type="network",
            label=_("Networks"),
            order=60,
            owned=_owned("network", Network),
            purge=networks_purge,
        ),
        LifetimeKind(
            resource_type="security_group",
            label=_("Security Groups"),
            order=70,
            owned=_owned("security_group", SecurityGroup),
            purge=security_groups_purge,
        ),
    ):
        register_lifetime_kind(kind)
