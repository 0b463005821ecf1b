"""The instances that ports attach to, read through the app that owns them.

A port names the instance it attaches by id only (`device_id`). Instances are the instances
app's rows, and that app sits above networks: it registers its reads here when it starts
(`InstancesConfig.ready`), so networks' pages name and draw a project's instances without
importing it.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Subquery


@dataclass(frozen=True)
class Instance:
    """An instance as the topology draws it; `label` is its name, or its id when it has none."""

    id: str
    label: str
    status: str


class InstanceReads(Protocol):
    """Reads of a project's instances from the mirror; never of another project's."""

    def name_annotation(self, *, project_id: str, device_field: str) -> Subquery:
        """An annotation: the name of the project's instance whose id `device_field` holds
        (null when it holds none of the project's instances)."""
        ...

    def names(self, *, project_id: str, ids: Collection[str]) -> dict[str, str]:
        """The names of those of `ids` that are the project's instances, by id."""
        ...

    def instances(self, *, project_id: str) -> list[Instance]:
        """The project's instances, by name."""
        ...


_reads: InstanceReads | None = None


def register_instance_reads(reads: InstanceReads) -> None:
    """Read instances through `reads` from now on (the instances app, as it starts)."""
    global _reads
    _reads = reads


def instance_reads() -> InstanceReads:
    """The registered reads; ImproperlyConfigured when no installed app registered any."""
    if _reads is None:
        raise ImproperlyConfigured("No installed app registered the instances ports attach to.")
    return _reads
