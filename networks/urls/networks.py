from django.urls import path

from networks.views import networks as views

urlpatterns = [
    path("networks/", views.NetworkListView.as_view(), name="network_list"),
    path("networks/create/", views.NetworkCreateView.as_view(), name="network_create"),
    path("networks/delete/", views.NetworkBulkDeleteView.as_view(), name="network_bulk_delete"),
    path("networks/<str:pk>/", views.NetworkDetailView.as_view(), name="network_detail"),
    path("networks/<str:pk>/edit/", views.NetworkEditView.as_view(), name="network_edit"),
    path("networks/<str:pk>/delete/", views.NetworkDeleteView.as_view(), name="network_delete"),
]
