"""The project's instances as networks' pages read them (`networks.devices`, which networks owns
and this app fills in as it starts: networks imports no instances)."""

from collections.abc import Collection

from django.db.models import OuterRef, Subquery

from instances.models import Server
from networks.devices import Instance


class ServerReads:
    """`networks.devices.InstanceReads` over the server mirror."""

    def name_annotation(self, *, project_id: str, device_field: str) -> Subquery:
        """An annotation: the name of the project's server whose id `device_field` holds."""
        servers = Server.objects.filter(pk=OuterRef(device_field), project_id=project_id)
        return Subquery(servers.values("name")[:1])

    def names(self, *, project_id: str, ids: Collection[str]) -> dict[str, str]:
        """The names of those of `ids` that are the project's servers, by id."""
        servers = Server.objects.filter(project_id=project_id, pk__in=ids)
        return dict(servers.values_list("id", "name"))

    def instances(self, *, project_id: str) -> list[Instance]:
        """The project's servers, by name."""
        rows = Server.objects.filter(project_id=project_id).order_by("name")
        return [
            Instance(id=server_id, label=name or server_id, status=status)
            for server_id, name, status in rows.values_list("id", "name", "status")
        ]
