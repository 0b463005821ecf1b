"""A new trial project's ready-to-use network, as steps of the composite operation that sets the
trial up (registered with `tenants.starters` in `NetworksConfig.ready`).

A network and a subnet (settings.TRIAL_SUBNET_CIDR, TRIAL_DNS_NAMESERVERS) in the new project, a
router with its gateway on the external network (settings.TRIAL_EXTERNAL_NETWORK, else the
cloud's one external network) and its interface on the subnet. Each is made once however often
the operation runs (`create_once`, tagged with the operation) and deleted again when a later step
fails.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudPermanentError, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.composite import Step
from dashboard.operations.models import Operation
from networks.reconcile import reconcile_networks, reconcile_subnets
from networks.services.common import NEUTRON, create_once
from networks.services.routers import router_add_interface, router_remove_interface
from tenants.starters import PROJECT_STEP

NETWORK_NAME = "starter-network"
SUBNET_NAME = "starter-subnet"
ROUTER_NAME = "starter-router"


def external_network_id(*, conn: Connection) -> str:
    """The external network trial routers get their gateway on. Raises CloudPermanentError
    when settings.TRIAL_EXTERNAL_NETWORK names none, or none is set and the cloud has not
    exactly one."""
    wanted = settings.TRIAL_EXTERNAL_NETWORK
    doing = Message(gettext_noop("find the external network"))
    with translated(doing=doing, service=NEUTRON):
        if wanted:
            found = conn.network.find_network(wanted, ignore_missing=True)
            externals = [found] if found is not None and found.is_router_external else []
        else:
            externals = list(conn.network.networks(is_router_external=True))
    if len(externals) == 1:
        return str(externals[0].id)
    if wanted:
        why = gettext_noop(
            "Could not give the trial's router its gateway: the cloud has no external network "
            "“%(name)s”. Set TRIAL_EXTERNAL_NETWORK to the name or id of an external network."
        )
    else:
        why = gettext_noop(
            "Could not give the trial's router its gateway: the cloud has %(count)s external "
            "networks, not exactly one. Set TRIAL_EXTERNAL_NETWORK to the one to use."
        )
    raise CloudPermanentError(Message(why, {"name": wanted, "count": len(externals)}))


def starter_network_steps(*, conn: Connection, operation: Operation) -> list[Step]:
    """The steps that make the new project's network, subnet, router and interface."""
    network = conn.network

    def doing(name: str) -> Message:
        return Message(gettext_noop("create “%(name)s” in the trial project"), {"name": name})

    def made_once(find: Any, create: Any) -> str:
        made = create_once(
            conn=conn,
            operation=operation,
            find=find,
            create=create,
            describe=lambda made: made,
            description="",
            record_result=False,
        )
        return str(made.id)

    def network_do(done: Mapping[str, Any]) -> str:
        with translated(doing=doing(NETWORK_NAME), service=NEUTRON):
            return made_once(
                network.networks,
                lambda marker: network.create_network(
                    name=NETWORK_NAME, project_id=done[PROJECT_STEP], description=marker
                ),
            )

    def subnet_do(done: Mapping[str, Any]) -> str:
        with translated(doing=doing(SUBNET_NAME), service=NEUTRON):
            return made_once(
                network.subnets,
                lambda marker: network.create_subnet(
                    name=SUBNET_NAME,
                    project_id=done[PROJECT_STEP],
                    network_id=done["network"],
                    ip_version=4,
                    cidr=settings.TRIAL_SUBNET_CIDR,
                    dns_nameservers=settings.TRIAL_DNS_NAMESERVERS,
                    description=marker,
                ),
            )

    def router_do(done: Mapping[str, Any]) -> str:
        gateway = {"network_id": external_network_id(conn=conn)}
        with translated(doing=doing(ROUTER_NAME), service=NEUTRON):
            return made_once(
                network.routers,
                lambda marker: network.create_router(
                    name=ROUTER_NAME,
                    project_id=done[PROJECT_STEP],
                    external_gateway_info=gateway,
                    description=marker,
                ),
            )

    def interface_do(done: Mapping[str, Any]) -> dict[str, str]:
        router_add_interface(
            conn=conn, operation=operation, router_id=done["router"], subnet_id=done["subnet"]
        )
        mirror = service_connection()
        reconcile_networks(conn=mirror, ids=[done["network"]])
        reconcile_subnets(conn=mirror, ids=[done["subnet"]])
        return {"router_id": done["router"], "subnet_id": done["subnet"]}

    def interface_undo(made: dict[str, str]) -> None:
        router_remove_interface(conn=conn, operation=operation, **made)

    def deleting(name: str) -> Message:
        return Message(gettext_noop("delete “%(name)s” again"), {"name": name})

    def network_undo(network_id: str) -> None:
        with translated(doing=deleting(NETWORK_NAME), service=NEUTRON):
            network.delete_network(network_id, ignore_missing=True)

    def subnet_undo(subnet_id: str) -> None:
        with translated(doing=deleting(SUBNET_NAME), service=NEUTRON):
            network.delete_subnet(subnet_id, ignore_missing=True)

    def router_undo(router_id: str) -> None:
        with translated(doing=deleting(ROUTER_NAME), service=NEUTRON):
            network.delete_router(router_id, ignore_missing=True)

    return [
        Step("network", network_do, network_undo),
        Step("subnet", subnet_do, subnet_undo),
        Step("router", router_do, router_undo),
        Step("interface", interface_do, interface_undo),
    ]
