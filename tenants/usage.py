"""How the mirror counts a project's use of a resource, as declared by the apps that hold the rows.

The servers, networks, ports, ... a project uses are the instances and networks apps' rows, and
those apps sit above tenants. Each tells tenants, when it starts (its `AppConfig.ready`), which
of its tables count towards which figure (`compute_cores`: the vCPUs of the project's servers),
so tenants' quota pages and checks count them without importing those apps. A figure no app
counts is the one the quota sweep read from Nova and Neutron.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Aggregate, Count, Model, Q

from tenants.resources import BY_KEY

# Figures of the project overview that are no quota: counted the same way.
RUNNING_INSTANCES = "running_instances"
ALLOCATED_FLOATING_IPS = "allocated_floating_ips"


@dataclass(frozen=True)
class MirrorCount:
    """`function` of `field` over a project's rows of `model` (those matching `where`), as Nova
    and Neutron count them."""

    model: type[Model]
    function: type[Aggregate] = Count
    field: str = "pk"
    where: Q | None = None

    def aggregate(self) -> Aggregate:
        """The aggregate to annotate or aggregate a project's rows of `model` with."""
        return self.function(self.field, filter=self.where)


# Figure key (a quota resource's `key`, or one of the overview's figures) -> how it is counted.
MIRROR_COUNTED: dict[str, MirrorCount] = {}


def count_from_mirror(counts: Mapping[str, MirrorCount]) -> None:
    """Count these figures (by key) from the mirror from now on. Raises ValueError for a key
    that names no figure, or one another declaration already counts otherwise."""
    for key, count in counts.items():
        if key not in BY_KEY and key not in (RUNNING_INSTANCES, ALLOCATED_FLOATING_IPS):
            raise ValueError(f"No quota or overview figure is called {key}.")
        if MIRROR_COUNTED.setdefault(key, count) != count:
            raise ValueError(f"The mirror already counts {key} otherwise.")
