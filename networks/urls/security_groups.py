from django.urls import path

from dashboard.web.views import PlannedSectionView

urlpatterns = [
    path(
        "security-groups/",
        PlannedSectionView.as_view(
            title="Security Groups",
            summary="Security groups and their rules: direction, protocol, port range, and a "
            "remote CIDR or group.",
        ),
        name="security_group_list",
    ),
]
