"""Network pages, and each change of a network as its form's page or button."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import OperationFormView
from networks.forms import networks as forms
from networks.views import networks as views

urlpatterns = [
    path("networks/", views.NetworkListView.as_view(), name="network_list"),
    path(
        "networks/create/",
        OperationFormView.as_view(
            form_class=forms.NetworkCreateForm,
            title=_("Create network"),
            submit_label=_("Create network"),
            success_url_name="networks:network_list",
        ),
        name="network_create",
    ),
    path("networks/delete/", views.NetworkBulkDeleteView.as_view(), name="network_bulk_delete"),
    path("networks/<str:pk>/", views.NetworkDetailView.as_view(), name="network_detail"),
    path(
        "networks/<str:pk>/edit/",
        views.NetworkFormView.as_view(
            form_class=forms.NetworkEditForm, title=_("Edit network {obj.name_or_id}")
        ),
        name="network_edit",
    ),
    path("networks/<str:pk>/delete/", views.NetworkDeleteView.as_view(), name="network_delete"),
]
