from django.urls import path

from instances.views import keypairs as views

urlpatterns = [
    path("key-pairs/", views.KeyPairListView.as_view(), name="keypair_list"),
    path("key-pairs/create/", views.KeyPairCreateView.as_view(), name="keypair_create"),
    path("key-pairs/import/", views.KeyPairImportView.as_view(), name="keypair_import"),
    path("key-pairs/delete/", views.KeyPairBulkDeleteView.as_view(), name="keypair_bulk_delete"),
    # The id is "<user id>:<name>"; names may hold spaces, dots and @ (Nova's rules).
    path("key-pairs/<str:pk>/delete/", views.KeyPairDeleteView.as_view(), name="keypair_delete"),
]
