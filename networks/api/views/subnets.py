"""The subnets and subnet pools API."""

from typing import Any

from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.web.api import ProjectViewSet, start_from_api, validated_form
from networks.api.serializers.subnets import SubnetPoolSerializer, SubnetSerializer
from networks.api.views.networks import api_form, start_unless_refused
from networks.changes.subnets import create_subnet, delete_subnet, update_subnet
from networks.filtersets.subnets import SubnetFilterSet, SubnetPoolFilterSet
from networks.forms.subnets import SubnetCreateForm, SubnetEditForm, subnet_edit_initial
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
        form = api_form(SubnetCreateForm, request, project_id=self.project_id)
        return start_from_api(request, **create_subnet(validated_form(form)))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subnet = self.get_object()
        form = api_form(
            SubnetEditForm,
            request,
            project_id=self.project_id,
            obj=subnet,
            current=subnet_edit_initial(subnet),
        )
        return start_from_api(request, **update_subnet(subnet, validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_unless_refused(request, delete_subnet, self.get_object())


class SubnetPoolViewSet(ProjectViewSet):
    """Subnet pools the project may take subnets from: its own and shared ones."""

    selector = staticmethod(subnet_pool_list)
    serializer_class = SubnetPoolSerializer
    filterset_class = SubnetPoolFilterSet
    ordering_fields = ["name", "ip_version"]
