"""The floating-IP actions of a server in the API, as they were before issue 14 (the other server
actions are `instances.api.views.servers.ServerViewSet`'s now); these move to networks'
floating-IP forms, and this module goes with them."""

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
    disassociate_server_floating_ip,
)
from instances.forms.server_actions import (
    FloatingIPAssociateForm,
    FloatingIPDisassociateForm,
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

    def _with_form(self, build: Callable[[Server, dict[str, Any]], Change]) -> Response:
        """Validate with the action's form (`input_forms`), then start what `build` makes."""
        form_class = self.input_forms[self.action]

        def validated(server: Server) -> Change:
            form = form_class(self.request.data, project_id=self.project_id, obj=server)  # type: ignore[call-arg]
            return build(server, validated_form(form))

        return self._start(validated)

    @action(detail=True, methods=["post"], url_path="floating-ip-associate")
    def floating_ip_associate(self, request: Request, pk: str) -> Response:
        """`address`: "<port id>/<fixed IPv4>"; `floating_ip` (a free one of the project) or
        `floating_network` (an external network to allocate a new one from): an id."""
        return self._with_form(associate_server_floating_ip)

    @action(detail=True, methods=["post"], url_path="floating-ip-disassociate")
    def floating_ip_disassociate(self, request: Request, pk: str) -> Response:
        """`floating_ip`: the id of one of the server's floating IPs."""
        return self._with_form(disassociate_server_floating_ip)
