from django.urls import path

from dashboard.web.views import PlannedSectionView

urlpatterns = [
    path(
        "routers/",
        PlannedSectionView.as_view(
            title="Routers",
            summary="Routers with an external gateway (your choice of external network, SNAT "
            "and the gateway's fixed IP), interfaces by subnet or port, and static routes.",
        ),
        name="router_list",
    ),
]
