from django.urls import path

from tenants import views

app_name = "tenants"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overview/usage/", views.overview_usage, name="overview_usage"),
    path("auth/login/", views.login_view, name="login"),
    path("auth/logout/", views.logout_view, name="logout"),
    path("auth/project/<str:project_id>/", views.switch_project, name="switch_project"),
    path("project/api-access/", views.api_access, name="api_access"),
    path("project/api-access/clouds.yaml", views.clouds_yaml, name="clouds_yaml"),
    path("project/api-access/openrc.sh", views.openrc, name="openrc"),
    path("admin/quotas/", views.AdminQuotaListView.as_view(), name="admin_quotas"),
    path(
        "admin/quotas/defaults/",
        views.AdminQuotaDefaultsView.as_view(),
        name="admin_quota_defaults",
    ),
    path(
        "admin/quotas/<str:project_id>/",
        views.AdminProjectQuotasView.as_view(),
        name="admin_quota_edit",
    ),
]
