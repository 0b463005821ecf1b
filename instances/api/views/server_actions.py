"""Server lifecycle actions in the API: `POST /api/servers/<id>/<action>/`, each answering 202
with its operation (as the pages start them), 400 with the form's field errors, or 409 with the
reason when the server's state does not allow the action."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.services import OperationRefused
from dashboard.web.api import SessionScopeMixin, start_from_api, validated_form
from instances.changes import Change
from instances.changes.server_actions import (
    associate_server_floating_ip,
    attach_server_interface,
    detach_server_interface,
    disassociate_server_floating_ip,
    rebuild_server,
    rename_server,
    resize_server,
    server_action,
    set_server_security_groups,
    snapshot_server,
)
from instances.forms.server_actions import (
    FloatingIPAssociateForm,
    FloatingIPDisassociateForm,
    InterfaceAttachForm,
    InterfaceDetachForm,
    RebuildForm,
    RenameForm,
    ResizeForm,
    SecurityGroupsForm,
    SnapshotForm,
)
from instances.models import Server
from instances.selectors.servers import server_list


class StateConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "state_conflict"


class ServerActionViewSet(SessionScopeMixin, viewsets.GenericViewSet[Server]):
    """Lifecycle actions on the project's servers (another project's server is a 404)."""

    lookup_value_regex = "[0-9a-f-]{36}"
    error_responses = {"409": "The server's state does not allow this action now, and why."}
    input_forms = {
        "resize": ResizeForm,
        "rebuild": RebuildForm,
        "rename": RenameForm,
        "snapshot": SnapshotForm,
        "security_groups": SecurityGroupsForm,
        "interface_attach": InterfaceAttachForm,
        "interface_detach": InterfaceDetachForm,
        "floating_ip_associate": FloatingIPAssociateForm,
        "floating_ip_disassociate": FloatingIPDisassociateForm,
    }

    def get_queryset(self) -> QuerySet[Server]:
        return server_list(project_id=self.project_id)

    def _start(self, build: Callable[[Server], Change]) -> Response:
        try:
            change = build(self.get_object())
        except OperationRefused as exc:
            raise StateConflict(str(exc)) from exc
        return start_from_api(self.request, **change)

    def _simple(self, name: str) -> Response:
        return self._start(lambda server: server_action(server, name))

    def _with_form(self, build: Callable[[Server, dict[str, Any]], Change]) -> Response:
        """Validate with the action's form (`input_forms`), then start what `build` makes."""
        form_class = self.input_forms[self.action]

        def validated(server: Server) -> Change:
            form = form_class(self.request.data, project_id=self.project_id, obj=server)  # type: ignore[call-arg]
            return build(server, validated_form(form))

        return self._start(validated)

    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._simple("start")

    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str) -> Response:
        return self._simple("stop")

    @action(detail=True, methods=["post"])
    def reboot(self, request: Request, pk: str) -> Response:
        """A soft reboot; `reboot-hard` cuts the power."""
        return self._simple("reboot")

    @action(detail=True, methods=["post"], url_path="reboot-hard")
    def reboot_hard(self, request: Request, pk: str) -> Response:
        return self._simple("reboot_hard")

    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> Response:
        return self._simple("pause")

    @action(detail=True, methods=["post"])
    def unpause(self, request: Request, pk: str) -> Response:
        return self._simple("unpause")

    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        return self._simple("suspend")

    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._simple("resume")

    @action(detail=True, methods=["post"])
    def lock(self, request: Request, pk: str) -> Response:
        return self._simple("lock")

    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, pk: str) -> Response:
        return self._simple("unlock")

    @action(detail=True, methods=["post"])
    def rescue(self, request: Request, pk: str) -> Response:
        """Rescue mode, booted from the server's own image."""
        return self._simple("rescue")

    @action(detail=True, methods=["post"])
    def unrescue(self, request: Request, pk: str) -> Response:
        return self._simple("unrescue")

    @action(detail=True, methods=["post"])
    def shelve(self, request: Request, pk: str) -> Response:
        return self._simple("shelve")

    @action(detail=True, methods=["post"])
    def unshelve(self, request: Request, pk: str) -> Response:
        return self._simple("unshelve")

    @action(detail=True, methods=["post"], url_path="resize-confirm")
    def resize_confirm(self, request: Request, pk: str) -> Response:
        return self._simple("resize_confirm")

    @action(detail=True, methods=["post"], url_path="resize-revert")
    def resize_revert(self, request: Request, pk: str) -> Response:
        return self._simple("resize_revert")

    @action(detail=True, methods=["post"], url_path="delete", url_name="delete-server")
    def delete_server(self, request: Request, pk: str) -> Response:
        """Delete the server; refused while it is locked."""
        return self._simple("delete")

    @action(detail=True, methods=["post"])
    def resize(self, request: Request, pk: str) -> Response:
        """`flavor`: a flavor id; then `resize-confirm` or `resize-revert`."""
        return self._with_form(resize_server)

    @action(detail=True, methods=["post"])
    def rebuild(self, request: Request, pk: str) -> Response:
        """`image`: an image id; `name` (optional): a new name."""
        return self._with_form(rebuild_server)

    @action(detail=True, methods=["post"])
    def rename(self, request: Request, pk: str) -> Response:
        """`name`: the new name."""
        return self._with_form(rename_server)

    @action(detail=True, methods=["post"])
    def snapshot(self, request: Request, pk: str) -> Response:
        """`name`: the new image's name."""
        return self._with_form(snapshot_server)

    @action(detail=True, methods=["post"], url_path="security-groups")
    def security_groups(self, request: Request, pk: str) -> Response:
        """`security_groups`: the ids of every group the server's interfaces are to have."""
        return self._with_form(set_server_security_groups)

    @action(detail=True, methods=["post"], url_path="interface-attach")
    def interface_attach(self, request: Request, pk: str) -> Response:
        """`network` (Nova makes a port) or `port` (one of the project's free ports): an id."""
        return self._with_form(attach_server_interface)

    @action(detail=True, methods=["post"], url_path="interface-detach")
    def interface_detach(self, request: Request, pk: str) -> Response:
        """`port`: the id of one of the server's ports."""
        return self._with_form(detach_server_interface)

    @action(detail=True, methods=["post"], url_path="floating-ip-associate")
    def floating_ip_associate(self, request: Request, pk: str) -> Response:
        """`address`: "<port id>/<fixed IPv4>"; `floating_ip` (a free one of the project) or
        `floating_network` (an external network to allocate a new one from): an id."""
        return self._with_form(associate_server_floating_ip)

    @action(detail=True, methods=["post"], url_path="floating-ip-disassociate")
    def floating_ip_disassociate(self, request: Request, pk: str) -> Response:
        """`floating_ip`: the id of one of the server's floating IPs."""
        return self._with_form(disassociate_server_floating_ip)
