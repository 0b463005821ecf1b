"""The navigation: sections and their pages, as the base layout shows them."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NavItem:
    label: StrOrPromise
    url_name: str
    admin_only: bool = False


@dataclass(frozen=True)
class NavSection:
    label: StrOrPromise
    items: tuple[NavItem, ...] = field(default_factory=tuple)
    admin_only: bool = False


NAVIGATION = (
    NavSection(_("Overview"), (NavItem(_("Overview"), "tenants:overview"),)),
    NavSection(
        _("Network"),
        (
            NavItem(_("Networks"), "networks:network_list"),
            NavItem(_("Subnets"), "networks:subnet_list"),
            NavItem(_("Ports"), "networks:port_list"),
            NavItem(_("Routers"), "networks:router_list"),
            NavItem(_("Floating IPs"), "networks:floating_ip_list"),
            NavItem(_("Security Groups"), "networks:security_group_list"),
            NavItem(_("Topology"), "networks:topology"),
        ),
    ),
    NavSection(
        _("Compute"),
        (
            NavItem(_("Instances"), "instances:server_list"),
            NavItem(_("Key Pairs"), "instances:keypair_list"),
        ),
    ),
    NavSection(_("Activity"), (NavItem(_("Activity"), "operations:activity"),)),
    NavSection(
        _("Project"),
        (
            NavItem(_("Members"), "tenants:members"),
            NavItem(_("Requests"), "tenants:requests"),
            NavItem(_("API Access"), "tenants:api_access"),
        ),
    ),
    NavSection(
        _("Admin"),
        (
            NavItem(_("Quotas"), "tenants:admin_quotas", admin_only=True),
            NavItem(_("Requests"), "tenants:admin_requests", admin_only=True),
            NavItem(_("Applications"), "tenants:admin_applications", admin_only=True),
            NavItem(_("Trial clean-up"), "tenants:admin_trial_cleanup", admin_only=True),
        ),
        admin_only=True,
    ),
)


def visible_navigation(*, is_admin: bool) -> list[NavSection]:
    """The sections this user may see; admin sections only for the Keystone admin role."""
    return [section for section in NAVIGATION if is_admin or not section.admin_only]
