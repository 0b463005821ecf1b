"""Every networking route, listed per resource in `networks.urls.<resource>`."""

from networks.urls import floating_ips, networks, ports, routers, security_groups, subnets, topology

app_name = "networks"

urlpatterns = [
    *networks.urlpatterns,
    *subnets.urlpatterns,
    *ports.urlpatterns,
    *routers.urlpatterns,
    *floating_ips.urlpatterns,
    *security_groups.urlpatterns,
    *topology.urlpatterns,
]
