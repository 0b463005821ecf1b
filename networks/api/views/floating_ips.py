"""The floating IPs API: floating IPs and port forwardings from the mirror; every change is
validated by the pages' forms and starts an operation (202)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.web.api import ProjectViewSet, form_action
from networks.api.serializers.floating_ips import FloatingIPSerializer, PortForwardingSerializer
from networks.filtersets.floating_ips import FloatingIPFilterSet, PortForwardingFilterSet
from networks.forms.floating_ips import (
    FloatingIPAssociateForm,
    FloatingIPCreateForm,
    FloatingIPDisassociateForm,
    FloatingIPReleaseForm,
    PortForwardingDeleteForm,
    PortForwardingForm,
)
from networks.selectors.floating_ips import (
    floating_ip_get,
    floating_ip_list,
    port_forwarding_project_list,
)


class PortForwardingCreateForm(PortForwardingForm):
    """The page's form, and in the API the floating IP it is for (the page's URL names it)."""

    floating_ip_id = forms.CharField(label=_("Floating IP"), max_length=36)


class FloatingIPViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """The project's floating IPs; allocate, associate, disassociate and release through
    operations."""

    selector = staticmethod(floating_ip_list)
    serializer_class = FloatingIPSerializer
    filterset_class = FloatingIPFilterSet
    ordering_fields = ["floating_ip_address", "status", "created_at"]
    input_forms = {"create": FloatingIPCreateForm}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(FloatingIPCreateForm, request.data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(FloatingIPReleaseForm, {}, self.get_object())

    associate = form_action(FloatingIPAssociateForm)
    disassociate = form_action(FloatingIPDisassociateForm)


class PortForwardingViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """Port forwardings of the project's floating IPs (filter with `floating_ip=`); create
    (with `floating_ip_id`) and delete through operations."""

    selector = staticmethod(port_forwarding_project_list)
    serializer_class = PortForwardingSerializer
    filterset_class = PortForwardingFilterSet
    ordering_fields = ["protocol", "external_port_number"]
    input_forms = {"create": PortForwardingCreateForm}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data if isinstance(request.data, Mapping) else {}
        floating_ip = floating_ip_get(
            project_id=self.project_id, pk=str(data.get("floating_ip_id", ""))
        )
        if floating_ip is None:
            message = gettext("Choose one of this project's floating IPs.")
            raise ValidationError({"floating_ip_id": [{"message": message, "code": "invalid"}]})
        return self.start_form(PortForwardingCreateForm, request.data, floating_ip)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(PortForwardingDeleteForm, {}, self.get_object())
