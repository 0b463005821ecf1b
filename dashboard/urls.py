from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dashboard.web.views import JavaScriptCatalogView, favicon, healthz

handler404 = "dashboard.web.views.not_found"

urlpatterns = [
    path("", include("tenants.urls")),
    path("network/", include("networks.urls")),
    path("compute/", include("instances.urls")),
    path("", include("dashboard.web.urls")),
    path("", include("dashboard.operations.urls")),
    path("mirror/", include("dashboard.mirror.urls")),
    path("api/", include("dashboard.operations.api.urls")),
    path("api/", include("networks.api.urls")),
    path("api/", include("instances.api.urls")),
    path("api/", include("tenants.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI, vendored; its start script is a file of its own (the CSP allows no inline one).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", title="Dashboard API"),
        name="api_reference",
    ),
    # The djangojs catalog for static/js (gettext() in scripts): base.html names the page's
    # language and the catalog's version, so browsers cache it (dashboard.web.views).
    path(
        "jsi18n/<str:language>/<str:version>.js",
        JavaScriptCatalogView.as_view(),
        name="javascript_catalog",
    ),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]
