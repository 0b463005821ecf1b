"""The quotas the dashboard shows and edits, and how it names them to people.

Resources are keyed as their service's API names them (Nova `cores`, Neutron `floatingip`), as
the quota mirror stores them.
"""

from dataclasses import dataclass

from tenants.models import Quota

COMPUTE = Quota.Service.COMPUTE.value
NETWORK = Quota.Service.NETWORK.value


@dataclass(frozen=True)
class QuotaResource:
    """One quota: `label` for headings, `noun` for sentences ("10 of 10 networks")."""

    service: str
    resource: str
    label: str
    noun: str

    @property
    def key(self) -> str:
        """Form field and API name: `compute_instances`, `network_floatingip`."""
        return f"{self.service}_{self.resource}"


COMPUTE_RESOURCES = (
    QuotaResource(COMPUTE, "instances", "Instances", "instances"),
    QuotaResource(COMPUTE, "cores", "vCPUs", "vCPUs"),
    QuotaResource(COMPUTE, "ram", "RAM (MiB)", "MiB of RAM"),
    QuotaResource(COMPUTE, "key_pairs", "Key pairs", "key pairs"),
    QuotaResource(COMPUTE, "server_groups", "Server groups", "server groups"),
)
NETWORK_RESOURCES = (
    QuotaResource(NETWORK, "network", "Networks", "networks"),
    QuotaResource(NETWORK, "subnet", "Subnets", "subnets"),
    QuotaResource(NETWORK, "port", "Ports", "ports"),
    QuotaResource(NETWORK, "router", "Routers", "routers"),
    QuotaResource(NETWORK, "floatingip", "Floating IPs", "floating IPs"),
    QuotaResource(NETWORK, "security_group", "Security groups", "security groups"),
    QuotaResource(NETWORK, "security_group_rule", "Security group rules", "security group rules"),
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
