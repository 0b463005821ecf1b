"""Tenants' requests (more quota, a longer trial) and the administrators' queue of them."""

from django.urls import path

from tenants.views import requests as views

urlpatterns = [
    path("requests/", views.RequestListView.as_view(), name="requests"),
    path("requests/quota/", views.QuotaRequestView.as_view(), name="quota_request"),
    path("requests/extension/", views.ExtensionRequestView.as_view(), name="extension_request"),
    path("admin/requests/", views.AdminRequestListView.as_view(), name="admin_requests"),
    path(
        "admin/requests/quota/<uuid:pk>/",
        views.AdminRequestView.as_view(kind="quota"),
        name="admin_request_quota",
    ),
    path(
        "admin/requests/extension/<uuid:pk>/",
        views.AdminRequestView.as_view(kind="extension"),
        name="admin_request_extension",
    ),
]
