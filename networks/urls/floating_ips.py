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
    path("floating-ips/<str:pk>/", views.FloatingIPDetailView.as_view(), name="floating_ip_detail"),
    path(
        "floating-ips/<str:pk>/associate/",
        views.FloatingIPAssociateView.as_view(),
        name="floating_ip_associate",
    ),
    path(
        "floating-ips/<str:pk>/disassociate/",
        views.FloatingIPDisassociateView.as_view(),
        name="floating_ip_disassociate",
    ),
    path(
        "floating-ips/<str:pk>/release/",
        views.FloatingIPDeleteView.as_view(),
        name="floating_ip_delete",
    ),
    path(
        "floating-ips/<str:pk>/port-forwardings/add/",
        views.PortForwardingCreateView.as_view(),
        name="port_forwarding_create",
    ),
    path(
        "port-forwardings/<str:pk>/delete/",
        views.PortForwardingDeleteView.as_view(),
        name="port_forwarding_delete",
    ),
]
