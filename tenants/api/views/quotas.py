"""The session project's quota usage; every project's, and setting a project's limits, for
administrators (403 for everyone else)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard.sessions import request_session
from dashboard.web.api import ProjectViewSet
from tenants.api.serializers.quotas import ProjectOverviewSerializer, ProjectQuotaRowSerializer
from tenants.filtersets.quotas import ProjectQuotaFilterSet
from tenants.forms.quotas import ProjectQuotasForm
from tenants.resources import MAIN_RESOURCES
from tenants.selectors.projects import project_get
from tenants.selectors.quotas import all_projects_quota_list, project_overview


class IsKeystoneAdmin(BasePermission):
    """Holders of Keystone's admin role in the session's project."""

    message = _("This is for cloud administrators.")

    def has_permission(self, request: Request, view: Any) -> bool:
        keystone = getattr(request, "keystone", None)
        return bool(keystone is not None and keystone.is_admin)


class QuotaUsageView(APIView):
    """GET: the session project's usage against its limits, from the mirror."""

    @extend_schema(responses=ProjectOverviewSerializer)
    def get(self, request: Request) -> Response:
        project_id = request_session(request).project_id
        overview = project_overview(project_id=project_id)
        data = {
            "project_id": project_id,
            "running_instances": overview.running_instances,
            "allocated_floating_ips": overview.allocated_floating_ips,
            "synced_at": overview.synced_at,
            "quotas": overview.compute + overview.network,
        }
        return Response(ProjectOverviewSerializer(data).data)


class AdminQuotaViewSet(ProjectViewSet):
    """Every project's use of the main resources (paged, `q`, `near_limit`, `ordering=`);
    PUT or PATCH sets the limits given (the edit page's fields) and answers 202 with the
    operation. Only the limits sent change, under either verb."""

    permission_classes = [IsAuthenticated, IsKeystoneAdmin]
    serializer_class = ProjectQuotaRowSerializer
    filterset_class = ProjectQuotaFilterSet
    ordering_fields = ["project_name", "highest_use", *(f"{r.key}_used" for r in MAIN_RESOURCES)]
    lookup_field = "project_id"
    input_forms = {"update": ProjectQuotasForm, "partial_update": ProjectQuotasForm}

    def get_queryset(self) -> QuerySet[Any]:
        return all_projects_quota_list()

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = project_get(project_id=self.kwargs["project_id"])
        if project is None:
            raise Http404(gettext("No project with this id is known; it may not be synced yet."))
        return self.start_form(ProjectQuotasForm, request.data, project)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)
