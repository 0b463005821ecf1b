from collections.abc import Mapping
from typing import Any

from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.web.api import ProjectViewSet, form_action
from networks.api.serializers.ports import PortSerializer
from networks.filtersets.ports import PortFilterSet
from networks.forms.ports import PortCreateForm, PortDeleteForm, PortEditForm, PortRenameForm
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
    input_forms = {"create": PortCreateForm, "update": PortEditForm, "partial_update": PortEditForm}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(PortCreateForm, request.data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        port = self.get_object()
        data = request.data
        if kwargs.get("partial") and isinstance(data, Mapping):
            data = {**PortEditForm.initial_for(port), **data}
        return self.start_form(PortEditForm, data, port)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(PortDeleteForm, {}, self.get_object())

    rename = form_action(PortRenameForm)
