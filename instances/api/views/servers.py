from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.cloud.connection import Connection
from dashboard.cloud.errors import CloudError
from dashboard.operations.api.serializers import OperationSerializer
from dashboard.web.api import ProjectViewSet, accepted, form_action, operation_started
from dashboard.web.throttling import ServerLiveThrottle
from instances.api.serializers.servers import ServerSerializer
from instances.console import (
    action_log_list,
    console_link_create,
    console_log_read,
    live_connection,
)
from instances.filtersets.servers import ServerFilterSet
from instances.forms import server_actions as actions
from instances.forms.servers import ServerLaunchForm
from instances.models import Server
from instances.selectors.servers import server_list

LAUNCH_STARTED = inline_serializer(
    "LaunchStarted",
    {
        "operations": OperationSerializer(many=True),
        "private_key": serializers.CharField(
            required=False, help_text=_("The generated key pair's private key, shown this once.")
        ),
    },
)
CLOUD_FAILED = OpenApiResponse(
    inline_serializer("CloudFailure", {"detail": serializers.CharField()}),
    description=_("Nova failed to answer: the reason, and what to do."),
)


class ServerViewSet(mixins.CreateModelMixin, ProjectViewSet):
    """The project's servers. POST launches through operations, with the launch page's form:
    `nics` is an ordered list of "network:<id>" and "port:<id>", `user_data` plain text. One
    server answers 202 with its operation; `count` > 1 answers 202 with `{"operations": [...]}`.
    `new_key_name` (with `new_public_key` to import, without to generate) makes a key pair for
    the launch; a generated one answers `{"operations": [...], "private_key": ...}`, this once.

    Each lifecycle action is `POST /api/servers/<id>/<action>/`, validated by the pages' form:
    202 with its operation, 400 with the form's field errors, or 409 with the reason when the
    server's state does not allow the action.

    `console` (POST), `console-log` and `action-log` are live reads from Nova with the user's
    token (see `instances.console`), throttled per user (429 with Retry-After); Nova's failure
    answers 502 with the reason.
    """

    selector = staticmethod(server_list)
    serializer_class = ServerSerializer
    filterset_class = ServerFilterSet
    ordering_fields = ["name", "status", "created_at", "flavor_name"]
    input_forms = {"create": ServerLaunchForm}

    @extend_schema(
        responses={
            202: PolymorphicProxySerializer(
                component_name="LaunchAnswer",
                serializers=[OperationSerializer, LAUNCH_STARTED],
                resource_type_field_name=None,
            )
        }
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.permitted_form(ServerLaunchForm, request.data, files=request.FILES or None)
        started = [
            operation_started(request, operation_request)
            for operation_request in form.operation_requests()
        ]
        if form.generated_keypair is not None:
            body = {
                "operations": OperationSerializer(started, many=True).data,
                "private_key": form.generated_keypair.private_key,
            }
            return Response(
                body, status=status.HTTP_202_ACCEPTED, headers={"Cache-Control": "no-store"}
            )
        if len(started) == 1:
            return accepted(started[0])
        body = {"operations": OperationSerializer(started, many=True).data}
        return Response(body, status=status.HTTP_202_ACCEPTED)

    start = form_action(actions.ServerStartForm)
    stop = form_action(actions.ServerStopForm)
    reboot = form_action(actions.ServerRebootForm)
    reboot_hard = form_action(actions.ServerRebootHardForm)
    pause = form_action(actions.ServerPauseForm)
    unpause = form_action(actions.ServerUnpauseForm)
    suspend = form_action(actions.ServerSuspendForm)
    resume = form_action(actions.ServerResumeForm)
    lock = form_action(actions.ServerLockForm)
    unlock = form_action(actions.ServerUnlockForm)
    rescue = form_action(actions.ServerRescueForm)
    unrescue = form_action(actions.ServerUnrescueForm)
    shelve = form_action(actions.ServerShelveForm)
    unshelve = form_action(actions.ServerUnshelveForm)
    resize_confirm = form_action(actions.ServerResizeConfirmForm)
    resize_revert = form_action(actions.ServerResizeRevertForm)
    delete_server = form_action(actions.ServerDeleteForm, url_path="delete")
    resize = form_action(actions.ResizeForm)
    rebuild = form_action(actions.RebuildForm)
    rename = form_action(actions.RenameForm)
    snapshot = form_action(actions.SnapshotForm)
    security_groups = form_action(actions.SecurityGroupsForm)
    interface_attach = form_action(actions.InterfaceAttachForm)
    interface_detach = form_action(actions.InterfaceDetachForm)
    floating_ip_associate = form_action(actions.ServerFloatingIPAssociateForm)
    floating_ip_disassociate = form_action(actions.ServerFloatingIPDisassociateForm)

    def _live(self, read: Callable[[Connection, Server], Any]) -> Response:
        try:
            body = read(live_connection(self.session), self.get_object())
        except CloudError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)
        return Response(body, headers={"Cache-Control": "no-store"})

    @extend_schema(
        responses={
            200: inline_serializer(
                "ConsoleLink", {"type": serializers.CharField(), "url": serializers.URLField()}
            ),
            502: CLOUD_FAILED,
        }
    )
    @action(detail=True, methods=["post"], throttle_classes=[ServerLiveThrottle])
    def console(self, request: Request, pk: str) -> Response:
        """Mint a console URL (noVNC, else SPICE, else serial)."""

        def read(conn: Connection, server: Server) -> dict[str, str]:
            link = console_link_create(conn=conn, server=server)
            return {"type": link.type, "url": link.url}

        return self._live(read)

    @extend_schema(
        parameters=[
            OpenApiParameter("lines", int, description=_("Only the last N lines (all by default)."))
        ],
        responses={
            200: inline_serializer("ConsoleLog", {"output": serializers.CharField()}),
            502: CLOUD_FAILED,
        },
    )
    @action(
        detail=True, methods=["get"], url_path="console-log", throttle_classes=[ServerLiveThrottle]
    )
    def console_log(self, request: Request, pk: str) -> Response:
        """The console output; `?lines=N` for its last N lines (all by default)."""
        lines = request.query_params.get("lines", "")
        length = int(lines) if lines.isdigit() else None
        return self._live(
            lambda conn, server: {
                "output": console_log_read(conn=conn, server=server, lines=length or None)
            }
        )

    @extend_schema(
        responses={
            200: inline_serializer(
                "ActionLog",
                {
                    "actions": inline_serializer(
                        "ActionLogEntry",
                        {
                            "action": serializers.CharField(),
                            "started_at": serializers.DateTimeField(allow_null=True),
                            "request_id": serializers.CharField(),
                            "user_id": serializers.CharField(),
                            "message": serializers.CharField(),
                        },
                        many=True,
                    )
                },
            ),
            502: CLOUD_FAILED,
        }
    )
    @action(
        detail=True, methods=["get"], url_path="action-log", throttle_classes=[ServerLiveThrottle]
    )
    def action_log(self, request: Request, pk: str) -> Response:
        """Nova's action log of the server."""
        return self._live(
            lambda conn, server: {
                "actions": [asdict(entry) for entry in action_log_list(conn=conn, server=server)]
            }
        )
