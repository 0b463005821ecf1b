from collections.abc import Callable
from typing import Any

from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from dashboard.operations.api.views import start_from_api, validated_form
from dashboard.operations.services import OperationRefused
from dashboard.web.api import ProjectViewSet
from dashboard.web.forms import ProjectForm
from networks.api.serializers.routers import RouterDetailSerializer, RouterSerializer
from networks.changes import Change
from networks.changes.routers import (
    add_router_interface,
    add_router_route,
    clear_router_gateway,
    create_router,
    delete_router,
    remove_router_interface,
    remove_router_route,
    set_router_gateway,
    update_router,
)
from networks.filtersets.routers import RouterFilterSet
from networks.forms.routers import (
    RouterCreateForm,
    RouterEditForm,
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
        "add_interface": RouterInterfaceAddForm,
        "remove_interface": RouterInterfaceRemoveForm,
        "add_route": RouterRouteForm,
        "remove_route": RouterRouteRemoveForm,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return RouterDetailSerializer if self.action == "retrieve" else RouterSerializer

    def _form(self, form_class: type[ProjectForm], data: Any, obj: Any = None) -> dict[str, Any]:
        form = form_class(
            data,
            project_id=self.project_id,
            obj=obj,
            keystone=self.request.keystone,  # type: ignore[attr-defined]
        )
        return validated_form(form)

    def _start(self, request: Request, change: Callable[[], Change]) -> Response:
        try:
            operation = change()
        except OperationRefused as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return start_from_api(request, **operation)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._form(RouterCreateForm, request.data)
        return self._start(request, lambda: create_router(data))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """PUT or PATCH name, description, admin_state_up; fields left out keep their value."""
        router: Router = self.get_object()
        current = {
            "name": router.name,
            "description": router.description,
            "admin_state_up": router.admin_state_up,
        }
        data = self._form(RouterEditForm, {**current, **request.data}, router)
        return self._start(request, lambda: update_router(router, data))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        router: Router = self.get_object()
        return self._start(request, lambda: delete_router(router))

    @action(detail=True, methods=["put", "delete"])
    def gateway(self, request: Request, pk: str) -> Response:
        """PUT: set the external gateway (external_network_id, and where the cloud's policy
        allows, enable_snat, fixed_ip_subnet_id, fixed_ip_address). DELETE: clear it."""
        router: Router = self.get_object()
        if request.method == "DELETE":
            return self._start(request, lambda: clear_router_gateway(router))
        data = self._form(RouterGatewayForm, request.data, router)
        return self._start(request, lambda: set_router_gateway(router, data))

    @action(detail=True, methods=["post"], url_path="add-interface")
    def add_interface(self, request: Request, pk: str) -> Response:
        """Attach the router to a subnet (`subnet_id`) or a port (`port_id`)."""
        router: Router = self.get_object()
        data = self._form(RouterInterfaceAddForm, request.data, router)
        return self._start(request, lambda: add_router_interface(router, data))

    @action(detail=True, methods=["post"], url_path="remove-interface")
    def remove_interface(self, request: Request, pk: str) -> Response:
        """Detach the router from a subnet (`subnet_id`) or an interface port (`port_id`)."""
        router: Router = self.get_object()
        data = self._form(RouterInterfaceRemoveForm, request.data, router)
        return self._start(request, lambda: remove_router_interface(router, data))

    @action(detail=True, methods=["post"], url_path="add-route")
    def add_route(self, request: Request, pk: str) -> Response:
        """Add a static route (`destination`, `nexthop`), atomically."""
        router: Router = self.get_object()
        data = self._form(RouterRouteForm, request.data, router)
        return self._start(request, lambda: add_router_route(router, data))

    @action(detail=True, methods=["post"], url_path="remove-route")
    def remove_route(self, request: Request, pk: str) -> Response:
        """Remove a static route (`destination`, `nexthop`), atomically."""
        router: Router = self.get_object()
        data = self._form(RouterRouteRemoveForm, request.data, router)
        return self._start(request, lambda: remove_router_route(router, data))
