"""Key pair pages; each change declares its form here (`instances/forms/keypairs.py`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import OperationFormView
from instances.forms.keypairs import KeyPairImportForm
from instances.views import keypairs as views

urlpatterns = [
    path("key-pairs/", views.KeyPairListView.as_view(), name="keypair_list"),
    path("key-pairs/create/", views.KeyPairCreateView.as_view(), name="keypair_create"),
    path(
        "key-pairs/import/",
        OperationFormView.as_view(
            form_class=KeyPairImportForm,
            title=_("Import key pair"),
            submit_label=_("Import"),
            success_url_name=views.LIST_URL_NAME,
        ),
        name="keypair_import",
    ),
    path("key-pairs/delete/", views.KeyPairBulkDeleteView.as_view(), name="keypair_bulk_delete"),
    # The id is "<user id>:<name>"; names may hold spaces, dots and @ (Nova's rules).
    path("key-pairs/<str:pk>/delete/", views.KeyPairDeleteView.as_view(), name="keypair_delete"),
]
