"""The subnets and subnet pools API."""

from typing import Any

from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.web.api import ProjectViewSet
from networks.api.serializers.subnets import SubnetPoolSerializer, SubnetSerializer
from networks.filtersets.subnets import SubnetFilterSet, SubnetPoolFilterSet
from networks.forms.subnets import SubnetCreateForm, SubnetDeleteForm, SubnetEditForm
from networks.selectors.subnets import subnet_list, subnet_pool_list


class SubnetViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """The project's subnets; create, edit and delete through operations. Pools, DNS servers
    and host routes are given as lists of lines, as on the page ("10.0.0.10-10.0.0.50")."""

    selector = staticmethod(subnet_list)
    serializer_class = SubnetSerializer
    filterset_class = SubnetFilterSet
    ordering_fields = ["name", "cidr", "created_at"]
    input_forms = {
        "create": SubnetCreateForm,
        "update": SubnetEditForm,
        "partial_update": SubnetEditForm,
    }

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(SubnetCreateForm, self.form_data(SubnetCreateForm))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subnet = self.get_object()
        return self.start_form(SubnetEditForm, self.form_data(SubnetEditForm, subnet), subnet)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(SubnetDeleteForm, {}, self.get_object())


class SubnetPoolViewSet(ProjectViewSet):
    """Subnet pools the project may take subnets from: its own and shared ones."""

    selector = staticmethod(subnet_pool_list)
    serializer_class = SubnetPoolSerializer
    filterset_class = SubnetPoolFilterSet
    ordering_fields = ["name", "ip_version"]
