from django.urls import path

from networks.views import subnets as views

urlpatterns = [
    path("subnets/", views.SubnetListView.as_view(), name="subnet_list"),
    path("subnets/create/", views.SubnetCreateView.as_view(), name="subnet_create"),
    path("subnets/delete/", views.SubnetBulkDeleteView.as_view(), name="subnet_bulk_delete"),
    path("subnets/<str:pk>/", views.SubnetDetailView.as_view(), name="subnet_detail"),
    path("subnets/<str:pk>/edit/", views.SubnetEditView.as_view(), name="subnet_edit"),
    path("subnets/<str:pk>/delete/", views.SubnetDeleteView.as_view(), name="subnet_delete"),
]
