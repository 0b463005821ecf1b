"""The session project's overview and API access pages."""

from django.urls import path

from tenants.views import projects as views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overview/usage/", views.overview_usage, name="overview_usage"),
    path("project/api-access/", views.api_access, name="api_access"),
    path("project/api-access/clouds.yaml", views.clouds_yaml, name="clouds_yaml"),
    path("project/api-access/openrc.sh", views.openrc, name="openrc"),
]
