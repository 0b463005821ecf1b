from django.urls import path

from dashboard.web.views import PlannedSectionView

urlpatterns = [
    path(
        "topology/",
        PlannedSectionView.as_view(
            title="Topology",
            summary="A live picture of your networks, subnets, routers, ports and instances.",
        ),
        name="topology",
    ),
]
