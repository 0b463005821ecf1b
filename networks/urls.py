from django.urls import path

from dashboard.web.views import PlannedSectionView
from networks import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.network_list, name="network_list"),
    path("networks/create/", views.network_create, name="network_create"),
    path("networks/<str:network_id>/delete/", views.network_delete, name="network_delete"),
    path(
        "routers/",
        PlannedSectionView.as_view(
            title="Routers",
            summary="Routers with an external gateway (your choice of external network, SNAT "
            "and the gateway's fixed IP), interfaces by subnet or port, and static routes.",
        ),
        name="router_list",
    ),
    path("floating-ips/", views.floating_ip_list, name="floating_ip_list"),
    path("floating-ips/allocate/", views.floating_ip_create, name="floating_ip_create"),
    path(
        "floating-ips/<str:floating_ip_id>/release/",
        views.floating_ip_delete,
        name="floating_ip_delete",
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
