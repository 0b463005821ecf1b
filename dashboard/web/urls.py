from django.urls import path

from dashboard.web.views import PlannedAdminSectionView, PlannedSectionView

app_name = "web"

urlpatterns = [
    path(
        "activity/",
        PlannedSectionView.as_view(
            title="Activity",
            summary="Every change the dashboard makes to the cloud runs in the background as an "
            "operation. This page will list your project's operations live, with who started "
            "them, their status, and what to do when one fails.",
        ),
        name="activity",
    ),
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
