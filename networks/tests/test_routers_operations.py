"""Routers end to end: API -> Operation -> a real Celery worker -> the real Neutron -> mirror."""

import ipaddress
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from dashboard.i18n import Message
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import operation_start
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import activity
from dashboard.testing.waiting import operation_finished
from networks.models import Network, Port, Router
from networks.reconcile import (
    reconcile_networks,
    reconcile_ports,
    reconcile_routers,
    reconcile_subnets,
)
from networks.services.routers import router_add_interface, router_remove_interface
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.cloud]


@pytest.fixture
def public(cloud: Any, db: None) -> Network:
    """The local cloud's external network and its subnet, in the mirror."""
    network = cloud.network.find_network("public", ignore_missing=False)
    reconcile_networks(conn=cloud, ids=[network.id])
    reconcile_subnets(conn=cloud, ids=list(network.subnet_ids))
    return Network.objects.get(pk=network.id)


def free_public_address(cloud: Any, public: Network) -> str:
    """An address of the external subnet's pool that no port holds now."""
    subnet = public.subnets.get()
    taken = {
        ip["ip_address"]
        for port in cloud.network.ports(network_id=public.id)
        for ip in port.fixed_ips
    }
    pool = subnet.allocation_pools[0]
    first, last = (int(ipaddress.ip_address(pool[key])) for key in ("start", "end"))
    free = [ipaddress.ip_address(n) for n in range(first + 100, last + 1)]
    return str(random.choice([str(ip) for ip in free if str(ip) not in taken]))


def finished(response: Any) -> Operation:
    """The operation the API started, once the worker has run it; it must have succeeded."""
    assert response.status_code == 202, response.content.decode()
    operation = operation_finished(response.json()["id"])
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    return operation


def dismantle(cloud: Any, router_id: str) -> None:
    """Cleanup, whatever state a failed test left: interfaces off, then the router deleted."""
    for port in cloud.network.ports(device_id=router_id, device_owner="network:router_interface"):
        cloud.network.update_router(router_id, routes=[])
        cloud.network.remove_interface_from_router(router_id, port=port.id)
    cloud.network.delete_router(router_id, ignore_missing=True)


def tenant_subnet(cloud: Any, project_id: str, cidr: str, cleanup: Callable[..., None]) -> Any:
    """A network and subnet of the project, made by the admin, mirrored."""
    network = cloud.network.create_network(name=f"net-{cidr}", project_id=project_id)
    cleanup(lambda: cloud.network.delete_network(network, ignore_missing=True))
    subnet = cloud.network.create_subnet(
        network_id=network.id, cidr=cidr, ip_version=4, project_id=project_id
    )
    reconcile_networks(conn=cloud, ids=[network.id])
    reconcile_subnets(conn=cloud, ids=[subnet.id])
    return subnet


def test_router_whole_life(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    public: Network,
    cleanup: Callable[..., None],
) -> None:
    project = account.project.id
    app = tenant_subnet(cloud, project, "10.210.1.0/24", cleanup)
    db = tenant_subnet(cloud, project, "10.210.2.0/24", cleanup)
    db_port = cloud.network.create_port(
        network_id=db.network_id,
        project_id=project,
        fixed_ips=[{"subnet_id": db.id, "ip_address": "10.210.2.5"}],
    )
    cleanup(lambda: cloud.network.delete_port(db_port, ignore_missing=True))
    reconcile_ports(conn=cloud, ids=[db_port.id])

    created = finished(signed_in.post("/api/routers/", {"name": "edge"}))
    router_id = created.result_id
    cleanup(lambda: dismantle(cloud, router_id))
    assert Router.objects.get(pk=router_id).project_id == project

    address = free_public_address(cloud, public)
    finished(
        signed_in.put(
            f"/api/routers/{router_id}/gateway/",
            {"external_network_id": public.id, "enable_snat": False, "fixed_ip_address": address},
            content_type="application/json",
        )
    )
    gateway = cloud.network.get_router(router_id).external_gateway_info
    assert gateway["network_id"] == public.id
    assert gateway["enable_snat"] is False
    assert [ip["ip_address"] for ip in gateway["external_fixed_ips"]] == [address]
    assert Router.objects.get(pk=router_id).enable_snat is False

    url = f"/api/routers/{router_id}"
    finished(signed_in.patch(f"{url}/", {"name": "core"}, content_type="application/json"))
    assert cloud.network.get_router(router_id).name == "core"
    assert Router.objects.get(pk=router_id).name == "core"

    finished(signed_in.post(f"{url}/add-interface/", {"subnet_id": app.id}))
    finished(signed_in.post(f"{url}/add-interface/", {"port_id": db_port.id}))
    attached = {
        ip["subnet_id"]: ip["ip_address"]
        for port in cloud.network.ports(
            device_id=router_id, device_owner="network:router_interface"
        )
        for ip in port.fixed_ips
    }
    assert attached == {app.id: "10.210.1.1", db.id: "10.210.2.5"}
    assert Port.objects.router_interfaces(router_id=router_id).count() == 2

    # Someone else adds a route with the SDK; the dashboard's own add and remove leave it alone.
    theirs = {"destination": "172.31.0.0/16", "nexthop": "10.210.2.9"}
    cloud.network.add_extra_routes_to_router(router_id, {"router": {"routes": [theirs]}})
    ours = {"destination": "192.168.77.0/24", "nexthop": "10.210.1.50"}
    finished(signed_in.post(f"{url}/add-route/", ours))
    routes = cloud.network.get_router(router_id).routes
    assert ours in routes
    assert theirs in routes
    finished(signed_in.post(f"{url}/remove-route/", ours))
    assert cloud.network.get_router(router_id).routes == [theirs]
    cloud.network.remove_extra_routes_from_router(router_id, {"router": {"routes": [theirs]}})

    finished(signed_in.post(f"{url}/remove-interface/", {"subnet_id": app.id}))
    finished(signed_in.post(f"{url}/remove-interface/", {"port_id": db_port.id}))
    interfaces = cloud.network.ports(device_id=router_id, device_owner="network:router_interface")
    assert list(interfaces) == []
    assert Port.objects.router_interfaces(router_id=router_id).count() == 0

    finished(signed_in.delete(f"{url}/gateway/"))
    assert cloud.network.get_router(router_id).external_gateway_info is None

    finished(signed_in.delete(f"{url}/"))
    assert cloud.network.find_router(router_id) is None
    assert not Router.objects.filter(pk=router_id).exists()


def test_neutron_refusing_a_delete_is_shown_with_its_request_id(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    cleanup: Callable[..., None],
) -> None:
    """The interface is added behind the dashboard's back (the mirror does not know it yet),
    so the local check passes and Neutron answers RouterInUse."""
    subnet = tenant_subnet(cloud, account.project.id, "10.211.1.0/24", cleanup)
    router = cloud.network.create_router(name="busy", project_id=account.project.id)
    cleanup(lambda: dismantle(cloud, router.id))
    cloud.network.add_interface_to_router(router, subnet=subnet.id)
    reconcile_routers(conn=cloud, ids=[router.id])

    response = signed_in.delete(f"/api/routers/{router.id}/")

    operation = operation_finished(response.json()["id"])
    assert operation.status == Operation.Status.FAILED
    assert operation.error_message.startswith(
        "Could not delete router “busy”: it still has interfaces."
    )
    assert "(Neutron 409, req-" in operation.error_message
    assert Router.objects.filter(pk=router.id).exists()


@pytest.mark.django_db
def test_interfaces_added_or_removed_twice_end_the_same(
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    tenant_connection: Any,
    cleanup: Callable[..., None],
) -> None:
    subnet = tenant_subnet(cloud, account.project.id, "10.212.1.0/24", cleanup)
    router = cloud.network.create_router(name="twice", project_id=account.project.id)
    cleanup(lambda: dismantle(cloud, router.id))
    keystone = KeystoneSession.load(signed_in.session)
    assert keystone is not None

    params = {"router_id": router.id, "subnet_id": subnet.id}

    def operation(service: Service) -> Operation:
        return operation_start(
            actor=keystone,
            request=OperationRequest(
                service=service,
                description=Message(service.__name__),
                target_type="router",
                target_id=router.id,
                target_name="twice",
                params=params,
            ),
        )

    adding = operation(router_add_interface)
    for _ in range(2):  # a retry after a lost answer, or a redelivered task
        router_add_interface(
            conn=tenant_connection,
            operation=adding,
            router_id=router.id,
            subnet_id=subnet.id,
        )
    assert len(list(cloud.network.ports(device_id=router.id))) == 1
    adding.delete()

    removing = operation(router_remove_interface)
    for _ in range(2):
        router_remove_interface(
            conn=tenant_connection,
            operation=removing,
            router_id=router.id,
            subnet_id=subnet.id,
        )
    assert list(cloud.network.ports(device_id=router.id)) == []


def test_a_gateway_floating_ips_need_is_kept_and_they_are_named(
    celery_worker: Any,
    signed_in: Client,
    account: KeystoneAccount,
    cloud: Any,
    public: Network,
    cleanup: Callable[..., None],
) -> None:
    """The floating IP is associated behind the dashboard's back (the mirror does not know it),
    so the local check passes and Neutron answers RouterExternalGatewayInUseByFloatingIp."""
    project = account.project.id
    subnet = tenant_subnet(cloud, project, "10.213.1.0/24", cleanup)
    router = cloud.network.create_router(
        name="needed", project_id=project, external_gateway_info={"network_id": public.id}
    )
    cleanup(lambda: dismantle(cloud, router.id))
    cloud.network.add_interface_to_router(router, subnet=subnet.id)
    port = cloud.network.create_port(network_id=subnet.network_id, project_id=project)
    cleanup(lambda: cloud.network.delete_port(port, ignore_missing=True))
    floating_ip = cloud.network.create_ip(
        floating_network_id=public.id, project_id=project, port_id=port.id
    )
    cleanup(lambda: cloud.network.delete_ip(floating_ip, ignore_missing=True))
    reconcile_routers(conn=cloud, ids=[router.id])

    operation = operation_finished(
        signed_in.delete(f"/api/routers/{router.id}/gateway/").json()["id"]
    )

    assert operation.status == Operation.Status.FAILED
    assert operation.error_message.startswith(
        "Could not clear the external gateway of router “needed” (floating IPs "
        f"{floating_ip.floating_ip_address} use it): floating IPs reach their ports through "
        "this gateway. Disassociate them"
    )
    assert "(Neutron 409, req-" in operation.error_message
    neutron_says = operation.error_message.split(" The cloud says: ", 1)[1].split(" (Neutron")[0]
    address = floating_ip.floating_ip_address
    assert (
        f"无法清除路由器“needed”的外部网关（浮动 IP {address} 正在使用它）："
        "有浮动 IP 通过此网关到达其端口。请先在“浮动 IP”页面解除关联它们，然后再修改网关。"
        f"云端返回：{escape(neutron_says)}（Neutron 409, req-"
    ) in activity(signed_in, "zh-hans")
    assert cloud.network.get_router(router.id).external_gateway_info["network_id"] == public.id
