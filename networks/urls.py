from django.urls import path

from dashboard.web.views import PlannedSectionView

app_name = "networks"

urlpatterns = [
    path(
        "networks/",
        PlannedSectionView.as_view(
            title="Networks",
            summary="Create and edit networks with their subnets (IPv4 and IPv6, DHCP, "
            "allocation pools, DNS servers, host routes) and ports with fixed IPs and "
            "security groups.",
        ),
        name="network_list",
    ),
    path(
        "routers/",
        PlannedSectionView.as_view(
            title="Routers",
            summary="Routers with an external gateway (your choice of external network, SNAT "
            "and the gateway's fixed IP), interfaces by subnet or port, and static routes.",
        ),
        name="router_list",
    ),
    path(
        "floating-ips/",
        PlannedSectionView.as_view(
            title="Floating IPs",
            summary="Allocate floating IPs from an external network, associate them with an "
            "instance or any port, disassociate and release them.",
        ),
        name="floating_ip_list",
    ),
    path(
        "security-groups/",
        PlannedSectionView.as_view(
            title="Security Groups",
            summary="Security groups and their rules: direction, protocol, port range, and a "
            "remote CIDR or group.",
        ),
        name="security_group_list",
    ),
    path(
        "topology/",
        PlannedSectionView.as_view(
            title="Topology",
            summary="A live picture of your networks, subnets, routers, ports and instances.",
        ),
        name="topology",
    ),
]
