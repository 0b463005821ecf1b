"""The administrators' quota pages: every project's usage against its limits, one project's
limits, and the default compute limits. For holders of Keystone's admin role only (403 for
everyone else): they show and change projects other than the session's."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.mirror.middleware import request_versions
from dashboard.web.generic import ObjectListView, OperationFormView
from dashboard.web.views import AdminRequiredMixin
from tenants.filtersets.quotas import ProjectQuotaFilterSet
from tenants.models import Project
from tenants.selectors.projects import project_get
from tenants.selectors.quotas import all_projects_quota_list
from tenants.tables.quotas import ProjectQuotaTable

# The quotas sweep's group and beat interval, for the freshness note.
QUOTA_FRESHNESS = ("quotas", timedelta(seconds=settings.QUOTA_SWEEP_SECONDS))


class AdminQuotaListView(AdminRequiredMixin, ObjectListView):
    """Every project's usage of the main resources against its limits; not scoped to the
    session's project, so for administrators only."""

    filterset_class = ProjectQuotaFilterSet
    table_class = ProjectQuotaTable
    template_name = "tenants/admin_quota_list.html"
    title = _("Quotas")
    freshness = QUOTA_FRESHNESS
    changed_event = "tenants:changed"

    def get_queryset(self) -> QuerySet[Any]:
        return all_projects_quota_list()

    def get_template_names(self) -> list[str]:
        # The table partial is the generic list's; this template only adds an introduction.
        if self.htmx:
            return ["web/object_list.html#table"]
        return [self.template_name]

    def get_table_kwargs(self) -> dict[str, Any]:
        return {}

    def get_table_pagination(self, table: Any) -> dict[str, Any]:
        """A page of the table is kept under the mirror version of every project (an
        administrator's): 14 figures a project are the slowest list query, and while the cloud
        does not change, the table is read once per query."""
        pagination = super().get_table_pagination(table)
        version = request_versions(self.request).mirror
        if version:
            pagination["kept_under"] = (("admin-quotas", self.request.get_full_path()), version)
        return pagination

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            unified_limits=settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS, **kwargs
        )


class AdminQuotaFormView(AdminRequiredMixin, OperationFormView):
    """An administrator's quota form (the route names it, with the page's template and texts),
    whose valid data becomes one operation; back to the quota table after."""

    success_url_name = "tenants:admin_quotas"


class AdminProjectQuotasView(AdminQuotaFormView):
    """The quota form of the URL's project, any project the mirror knows."""

    def get_object(self) -> Project:
        project = project_get(project_id=self.kwargs["project_id"])
        if project is None:
            raise Http404(gettext("No project with this id is known; it may not be synced yet."))
        return project
