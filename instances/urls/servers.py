from django.urls import path

from dashboard.web.views import PlannedSectionView

urlpatterns = [
    path(
        "instances/",
        PlannedSectionView.as_view(
            title="Instances",
            summary="Launch instances on your networks, follow their status live, run lifecycle "
            "actions and open console links.",
        ),
        name="server_list",
    ),
]
