from typing import Any

from django import forms
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.services import OperationRefused
from dashboard.web.api import ProjectViewSet, start_from_api, validated_form
from networks.api.serializers.floating_ips import FloatingIPSerializer, PortForwardingSerializer
from networks.api.views.networks import start_unless_refused
from networks.changes.floating_ips import (
    allocate_floating_ip,
    associate_floating_ip,
    create_port_forwarding,
    delete_port_forwarding,
    disassociate_floating_ip,
    release_floating_ip,
)
from networks.filtersets.floating_ips import FloatingIPFilterSet, PortForwardingFilterSet
from networks.forms.floating_ips import (
    FloatingIPAssociateForm,
    FloatingIPCreateForm,
    PortForwardingForm,
)
from networks.selectors.floating_ips import (
    floating_ip_get,
    floating_ip_list,
    port_forwarding_project_list,
)


class PortForwardingCreateForm(PortForwardingForm):
    """The page's form, and in the API the floating IP it is for (the page's URL names it)."""

    floating_ip_id = forms.CharField(label="Floating IP", max_length=36)


class FloatingIPViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """The project's floating IPs; allocate, associate, disassociate and release through
    operations."""

    selector = staticmethod(floating_ip_list)
    serializer_class = FloatingIPSerializer
    filterset_class = FloatingIPFilterSet
    ordering_fields = ["floating_ip_address", "status", "created_at"]
    input_forms = {"create": FloatingIPCreateForm, "associate": FloatingIPAssociateForm}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = FloatingIPCreateForm(
            request.data, project_id=self.project_id, keystone=self.request.keystone
        )
        return start_from_api(request, **allocate_floating_ip(validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_unless_refused(request, release_floating_ip, self.get_object())

    @action(detail=True, methods=["post"])
    def associate(self, request: Request, pk: str) -> Response:
        floating_ip = self.get_object()
        form = FloatingIPAssociateForm(
            request.data,
            project_id=self.project_id,
            obj=floating_ip,
            keystone=self.request.keystone,
        )
        return start_from_api(request, **associate_floating_ip(floating_ip, validated_form(form)))

    @action(detail=True, methods=["post"])
    def disassociate(self, request: Request, pk: str) -> Response:
        try:
            change = disassociate_floating_ip(self.get_object())
        except OperationRefused as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return start_from_api(request, **change)


class PortForwardingViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """Port forwardings of the project's floating IPs (filter with `floating_ip=`); create
    (with `floating_ip_id`) and delete through operations."""

    selector = staticmethod(port_forwarding_project_list)
    serializer_class = PortForwardingSerializer
    filterset_class = PortForwardingFilterSet
    ordering_fields = ["protocol", "external_port_number"]
    input_forms = {"create": PortForwardingCreateForm}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        floating_ip = floating_ip_get(
            project_id=self.project_id, pk=str(request.data.get("floating_ip_id", ""))
        )
        if floating_ip is None:
            message = "Choose one of this project's floating IPs."
            raise ValidationError({"floating_ip_id": [{"message": message, "code": "invalid"}]})
        form = PortForwardingCreateForm(
            request.data,
            project_id=self.project_id,
            obj=floating_ip,
            keystone=self.request.keystone,
        )
        return start_from_api(request, **create_port_forwarding(floating_ip, validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_from_api(request, **delete_port_forwarding(self.get_object()))
