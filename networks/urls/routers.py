from django.urls import path

from networks.views import routers as views

urlpatterns = [
    path("routers/", views.RouterListView.as_view(), name="router_list"),
    path("routers/create/", views.RouterCreateView.as_view(), name="router_create"),
    path("routers/delete/", views.RouterBulkDeleteView.as_view(), name="router_bulk_delete"),
    path("routers/<str:pk>/", views.RouterDetailView.as_view(), name="router_detail"),
    path("routers/<str:pk>/edit/", views.RouterEditView.as_view(), name="router_edit"),
    path("routers/<str:pk>/delete/", views.RouterDeleteView.as_view(), name="router_delete"),
    path("routers/<str:pk>/gateway/", views.RouterGatewayView.as_view(), name="router_gateway"),
    path(
        "routers/<str:pk>/gateway/clear/",
        views.RouterGatewayClearView.as_view(),
        name="router_gateway_clear",
    ),
    path(
        "routers/<str:pk>/interfaces/add/",
        views.RouterInterfaceAddView.as_view(),
        name="router_interface_add",
    ),
    path(
        "routers/<str:pk>/interfaces/remove/",
        views.RouterInterfaceRemoveView.as_view(),
        name="router_interface_remove",
    ),
    path(
        "routers/<str:pk>/routes/add/", views.RouterRouteAddView.as_view(), name="router_route_add"
    ),
    path(
        "routers/<str:pk>/routes/remove/",
        views.RouterRouteRemoveView.as_view(),
        name="router_route_remove",
    ),
]
