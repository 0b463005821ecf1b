from django.urls import path

from networks.views import ports as views

urlpatterns = [
    path("ports/", views.PortListView.as_view(), name="port_list"),
    path("ports/create/", views.PortCreateView.as_view(), name="port_create"),
    path("ports/delete/", views.PortBulkDeleteView.as_view(), name="port_bulk_delete"),
    path("ports/<str:pk>/", views.PortDetailView.as_view(), name="port_detail"),
    path("ports/<str:pk>/edit/", views.PortUpdateView.as_view(), name="port_update"),
    path("ports/<str:pk>/delete/", views.PortDeleteView.as_view(), name="port_delete"),
]
