"""The navigation: sections and their pages, as the base layout shows them."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    admin_only: bool = False


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...] = field(default_factory=tuple)
    admin_only: bool = False


NAVIGATION = (
    NavSection("Overview", (NavItem("Overview", "tenants:overview"),)),
    NavSection(
        "Network",
        (
            NavItem("Networks", "networks:network_list"),
            NavItem("Subnets", "networks:subnet_list"),
            NavItem("Ports", "networks:port_list"),
            NavItem("Routers", "networks:router_list"),
            NavItem("Floating IPs", "networks:floating_ip_list"),
            NavItem("Security Groups", "networks:security_group_list"),
            NavItem("Topology", "networks:topology"),
        ),
    ),
    NavSection(
        "Compute",
        (
            NavItem("Instances", "instances:server_list"),
            NavItem("Key Pairs", "instances:keypair_list"),
        ),
    ),
    NavSection("Activity", (NavItem("Activity", "operations:activity"),)),
    NavSection("Project", (NavItem("API Access", "tenants:api_access"),)),
    NavSection(
        "Admin", (NavItem("Quotas", "tenants:admin_quotas", admin_only=True),), admin_only=True
    ),
)


def visible_navigation(*, is_admin: bool) -> list[NavSection]:
    """The sections this user may see; admin sections only for the Keystone admin role."""
    return [section for section in NAVIGATION if is_admin or not section.admin_only]
