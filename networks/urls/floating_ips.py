from django.urls import path

from networks.views import floating_ips as views

urlpatterns = [
    path("floating-ips/", views.FloatingIPListView.as_view(), name="floating_ip_list"),
    path("floating-ips/allocate/", views.FloatingIPCreateView.as_view(), name="floating_ip_create"),
    path(
        "floating-ips/release/",
        views.FloatingIPBulkDeleteView.as_view(),
        name="floating_ip_bulk_delete",
    ),
    path(
        "floating-ips/<str:pk>/release/",
        views.FloatingIPDeleteView.as_view(),
        name="floating_ip_delete",
    ),
]
