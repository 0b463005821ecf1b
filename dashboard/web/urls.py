from django.urls import path

from dashboard.web.views import PlannedAdminSectionView

app_name = "web"

urlpatterns = [
    path(
        "admin/quotas/",
        PlannedAdminSectionView.as_view(
            title="Quotas",
            summary="Usage against limits for every project, with per-project editing of "
            "compute and network quotas and the compute defaults.",
        ),
        name="admin_quotas",
    ),
]
