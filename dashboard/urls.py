from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from dashboard.web.views import favicon, healthz

urlpatterns = [
    path("", include("tenants.urls")),
    path("network/", include("networks.urls")),
    path("compute/", include("instances.urls")),
    path("", include("dashboard.web.urls")),
    path("", include("dashboard.operations.urls")),
    path("api/", include("dashboard.operations.api.urls")),
    path("api/", include("networks.api.urls")),
    path("api/", include("instances.api.urls")),
    path("api/", include("tenants.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]
