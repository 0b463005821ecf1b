"""The quotas the dashboard shows and edits, and how it names them to people.

Resources are keyed as their service's API names them (Nova `cores`, Neutron `floatingip`), as
the quota mirror stores them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from tenants.models import Quota

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COMPUTE = Quota.Service.COMPUTE.value
NETWORK = Quota.Service.NETWORK.value


@dataclass(frozen=True)
class QuotaResource:
    """One quota: `label` for headings, `noun` for sentences ("10 of 10 networks"); both
    translated when shown."""

    service: str
    resource: str
    label: "StrOrPromise"
    noun: "StrOrPromise"

    @property
    def key(self) -> str:
        """Form field and API name: `compute_instances`, `network_floatingip`."""
        return f"{self.service}_{self.resource}"


COMPUTE_RESOURCES = (
    QuotaResource(COMPUTE, "instances", _("Instances"), _("instances")),
    QuotaResource(COMPUTE, "cores", _("vCPUs"), _("vCPUs")),
    QuotaResource(COMPUTE, "ram", _("RAM (MiB)"), _("MiB of RAM")),
    QuotaResource(COMPUTE, "key_pairs", _("Key pairs"), _("key pairs")),
    QuotaResource(COMPUTE, "server_groups", _("Server groups"), _("server groups")),
)
NETWORK_RESOURCES = (
    QuotaResource(NETWORK, "network", _("Networks"), _("networks")),
    QuotaResource(NETWORK, "subnet", _("Subnets"), _("subnets")),
    QuotaResource(NETWORK, "port", _("Ports"), _("ports")),
    QuotaResource(NETWORK, "router", _("Routers"), _("routers")),
    QuotaResource(NETWORK, "floatingip", _("Floating IPs"), _("floating IPs")),
    QuotaResource(NETWORK, "security_group", _("Security groups"), _("security groups")),
    QuotaResource(
        NETWORK, "security_group_rule", _("Security group rules"), _("security group rules")
    ),
)
ALL_RESOURCES = COMPUTE_RESOURCES + NETWORK_RESOURCES
BY_KEY = {resource.key: resource for resource in ALL_RESOURCES}
# The columns of the admin table: what most often runs out.
MAIN_RESOURCES = tuple(
    BY_KEY[key]
    for key in (
        "compute_instances",
        "compute_cores",
        "compute_ram",
        "network_network",
        "network_port",
        "network_router",
        "network_floatingip",
    )
)

# Usage at or above this share of a limit is shown as a warning, and counts as "near limit".
WARNING_PERCENT = 80
