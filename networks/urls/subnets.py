"""Subnet pages, and each change of a subnet as its form's page or button."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from networks.forms import subnets as forms
from networks.views import subnets as views

urlpatterns = [
    path("subnets/", views.SubnetListView.as_view(), name="subnet_list"),
    path(
        "subnets/create/",
        views.SubnetCreateView.as_view(
            form_class=forms.SubnetCreateForm,
            title=_("Create subnet"),
            submit_label=_("Create subnet"),
            success_url_name="networks:subnet_list",
        ),
        name="subnet_create",
    ),
    path("subnets/delete/", views.SubnetBulkDeleteView.as_view(), name="subnet_bulk_delete"),
    path("subnets/<str:pk>/", views.SubnetDetailView.as_view(), name="subnet_detail"),
    path(
        "subnets/<str:pk>/edit/",
        views.SubnetFormView.as_view(
            form_class=forms.SubnetEditForm, title=_("Edit subnet {obj.name_or_id} ({obj.cidr})")
        ),
        name="subnet_edit",
    ),
    path("subnets/<str:pk>/delete/", views.SubnetDeleteView.as_view(), name="subnet_delete"),
]
