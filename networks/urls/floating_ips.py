"""Floating IP pages, and each change of a floating IP or its port forwardings as its form's
page or button."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import ObjectActionView, OperationFormView
from networks.forms import floating_ips as forms
from networks.selectors.floating_ips import port_forwarding_get
from networks.views import floating_ips as views

urlpatterns = [
    path("floating-ips/", views.FloatingIPListView.as_view(), name="floating_ip_list"),
    path(
        "floating-ips/allocate/",
        OperationFormView.as_view(
            form_class=forms.FloatingIPCreateForm,
            title=_("Allocate floating IP"),
            submit_label=_("Allocate"),
            success_url_name="networks:floating_ip_list",
        ),
        name="floating_ip_create",
    ),
    path(
        "floating-ips/release/",
        views.FloatingIPBulkReleaseView.as_view(),
        name="floating_ip_bulk_delete",
    ),
    path("floating-ips/<str:pk>/", views.FloatingIPDetailView.as_view(), name="floating_ip_detail"),
    path(
        "floating-ips/<str:pk>/associate/",
        views.FloatingIPFormView.as_view(
            form_class=forms.FloatingIPAssociateForm,
            title=_("Associate floating IP {obj.floating_ip_address}"),
            submit_label=_("Associate"),
        ),
        name="floating_ip_associate",
    ),
    path(
        "floating-ips/<str:pk>/disassociate/",
        views.FloatingIPActionView.as_view(form_class=forms.FloatingIPDisassociateForm),
        name="floating_ip_disassociate",
    ),
    path(
        "floating-ips/<str:pk>/release/",
        views.FloatingIPActionView.as_view(form_class=forms.FloatingIPReleaseForm),
        name="floating_ip_delete",
    ),
    path(
        "floating-ips/<str:pk>/port-forwardings/add/",
        views.FloatingIPFormView.as_view(
            form_class=forms.PortForwardingForm,
            title=_("Add a port forwarding to floating IP {obj.floating_ip_address}"),
            submit_label=_("Add port forwarding"),
        ),
        name="port_forwarding_create",
    ),
    path(
        "port-forwardings/<str:pk>/delete/",
        ObjectActionView.as_view(
            form_class=forms.PortForwardingDeleteForm,
            getter=port_forwarding_get,
            success_url_name="networks:floating_ip_list",
        ),
        name="port_forwarding_delete",
    ),
]
