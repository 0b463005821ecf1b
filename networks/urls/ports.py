"""Port pages, and each change of a port as its form's page or button."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import OperationFormView
from networks.forms import ports as forms
from networks.views import ports as views

urlpatterns = [
    path("ports/", views.PortListView.as_view(), name="port_list"),
    path(
        "ports/create/",
        OperationFormView.as_view(
            form_class=forms.PortCreateForm,
            title=_("Create port"),
            submit_label=_("Create port"),
            success_url_name="networks:port_list",
        ),
        name="port_create",
    ),
    path("ports/delete/", views.PortBulkDeleteView.as_view(), name="port_bulk_delete"),
    path("ports/<str:pk>/", views.PortDetailView.as_view(), name="port_detail"),
    path(
        "ports/<str:pk>/edit/",
        views.PortFormView.as_view(
            form_class=forms.PortEditForm, title=_("Edit port “{obj.name_or_id}”")
        ),
        name="port_update",
    ),
    path(
        "ports/<str:pk>/rename/",
        views.PortFormView.as_view(
            form_class=forms.PortRenameForm,
            title=_("Rename port “{obj.name_or_id}”"),
            submit_label=_("Rename"),
        ),
        name="port_rename",
    ),
    path("ports/<str:pk>/delete/", views.PortDeleteView.as_view(), name="port_delete"),
]
