from typing import Any

from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.services import OperationRefused
from dashboard.web.api import ProjectViewSet, start_from_api, validated_form
from networks.api.serializers.ports import PortSerializer
from networks.changes.ports import create_port, delete_port, update_port
from networks.filtersets.ports import PortFilterSet
from networks.forms.ports import PortForm, port_form_initial
from networks.selectors.ports import port_list


class PortViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """The project's ports; create, edit (PUT: every field; PATCH: the fields given) and delete
    through operations."""

    selector = staticmethod(port_list)
    serializer_class = PortSerializer
    filterset_class = PortFilterSet
    ordering_fields = ["name", "status", "mac_address", "device_owner", "created_at"]
    input_forms = {"create": PortForm, "update": PortForm, "partial_update": PortForm}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = PortForm(request.data, project_id=self.project_id, keystone=self.request.keystone)
        return start_from_api(request, **create_port(validated_form(form)))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        port = self.get_object()
        data = (
            {**port_form_initial(port), **request.data} if kwargs.get("partial") else request.data
        )
        form = PortForm(data, project_id=self.project_id, obj=port, keystone=self.request.keystone)
        return start_from_api(request, **update_port(port, validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            change = delete_port(self.get_object())
        except OperationRefused as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return start_from_api(request, **change)
