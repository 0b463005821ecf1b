"""Router pages, and each change of a router as its form's page or button."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import OperationFormView
from networks.forms import routers as forms
from networks.views import routers as views

urlpatterns = [
    path("routers/", views.RouterListView.as_view(), name="router_list"),
    path(
        "routers/create/",
        OperationFormView.as_view(
            form_class=forms.RouterCreateForm,
            title=_("Create router"),
            submit_label=_("Create router"),
            success_url_name="networks:router_list",
        ),
        name="router_create",
    ),
    path("routers/delete/", views.RouterBulkDeleteView.as_view(), name="router_bulk_delete"),
    path("routers/<str:pk>/", views.RouterDetailView.as_view(), name="router_detail"),
    path(
        "routers/<str:pk>/edit/",
        views.RouterFormView.as_view(
            form_class=forms.RouterEditForm, title=_("Edit router “{obj.name_or_id}”")
        ),
        name="router_edit",
    ),
    path("routers/<str:pk>/delete/", views.RouterDeleteView.as_view(), name="router_delete"),
    path(
        "routers/<str:pk>/gateway/",
        views.RouterFormView.as_view(
            form_class=forms.RouterGatewayForm,
            title=_("External gateway of router “{obj.name_or_id}”"),
            submit_label=_("Set gateway"),
        ),
        name="router_gateway",
    ),
    path(
        "routers/<str:pk>/gateway/clear/",
        views.RouterActionView.as_view(form_class=forms.RouterGatewayClearForm),
        name="router_gateway_clear",
    ),
    path(
        "routers/<str:pk>/interfaces/add/",
        views.RouterFormView.as_view(
            form_class=forms.RouterInterfaceAddForm,
            title=_("Add an interface to router “{obj.name_or_id}”"),
            submit_label=_("Add interface"),
        ),
        name="router_interface_add",
    ),
    path(
        "routers/<str:pk>/interfaces/remove/",
        views.RouterFormView.as_view(
            form_class=forms.RouterInterfaceRemoveForm,
            title=_("Remove an interface from router “{obj.name_or_id}”"),
            submit_label=_("Remove interface"),
        ),
        name="router_interface_remove",
    ),
    path(
        "routers/<str:pk>/routes/add/",
        views.RouterFormView.as_view(
            form_class=forms.RouterRouteForm,
            title=_("Add a static route to router “{obj.name_or_id}”"),
            submit_label=_("Add route"),
        ),
        name="router_route_add",
    ),
    path(
        "routers/<str:pk>/routes/remove/",
        views.RouterFormView.as_view(
            form_class=forms.RouterRouteRemoveForm,
            title=_("Remove a static route from router “{obj.name_or_id}”"),
            submit_label=_("Remove route"),
        ),
        name="router_route_remove",
    ),
]
