from typing import Any

from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from dashboard.web.api import ProjectViewSet, form_action
from networks.api.serializers.routers import RouterDetailSerializer, RouterSerializer
from networks.filtersets.routers import RouterFilterSet
from networks.forms.routers import (
    RouterCreateForm,
    RouterDeleteForm,
    RouterEditForm,
    RouterGatewayClearForm,
    RouterGatewayForm,
    RouterInterfaceAddForm,
    RouterInterfaceRemoveForm,
    RouterRouteForm,
    RouterRouteRemoveForm,
)
from networks.models import Router
from networks.selectors.routers import router_list


class RouterViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """The project's routers; every change (the router, its gateway, interfaces and static
    routes) is validated by the pages' forms and starts an operation (202)."""

    selector = staticmethod(router_list)
    serializer_class = RouterSerializer
    filterset_class = RouterFilterSet
    ordering_fields = ["name", "status", "created_at"]
    input_forms = {
        "create": RouterCreateForm,
        "update": RouterEditForm,
        "partial_update": RouterEditForm,
        "gateway": RouterGatewayForm,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return RouterDetailSerializer if self.action == "retrieve" else RouterSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(RouterCreateForm, request.data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """PUT or PATCH name, description, admin_state_up; fields left out keep their value."""
        router: Router = self.get_object()
        return self.start_form(RouterEditForm, self.form_data(RouterEditForm, router), router)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(RouterDeleteForm, {}, self.get_object())

    @action(detail=True, methods=["put", "delete"])
    def gateway(self, request: Request, pk: str) -> Response:
        """PUT: set the external gateway (external_network_id, and where the cloud's policy
        allows, enable_snat, fixed_ip_subnet_id, fixed_ip_address). DELETE: clear it."""
        router: Router = self.get_object()
        if request.method == "DELETE":
            return self.start_form(RouterGatewayClearForm, {}, router)
        return self.start_form(RouterGatewayForm, request.data, router)

    add_interface = form_action(RouterInterfaceAddForm)
    remove_interface = form_action(RouterInterfaceRemoveForm)
    add_route = form_action(RouterRouteForm)
    remove_route = form_action(RouterRouteRemoveForm)
