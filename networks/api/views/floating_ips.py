from typing import Any

from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.api.views import start_from_api, validated_form
from dashboard.web.api import ProjectViewSet
from networks.api.serializers.floating_ips import FloatingIPSerializer
from networks.changes.floating_ips import allocate_floating_ip, release_floating_ip
from networks.filtersets.floating_ips import FloatingIPFilterSet
from networks.forms.floating_ips import FloatingIPCreateForm
from networks.selectors.floating_ips import floating_ip_list


class FloatingIPViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """The project's floating IPs; allocate and release through operations."""

    selector = staticmethod(floating_ip_list)
    serializer_class = FloatingIPSerializer
    filterset_class = FloatingIPFilterSet
    ordering_fields = ["floating_ip_address", "status", "created_at"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = FloatingIPCreateForm(request.data, project_id=self.project_id)
        return start_from_api(request, **allocate_floating_ip(validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_from_api(request, **release_floating_ip(self.get_object()))
