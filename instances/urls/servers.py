from django.urls import path

from instances.views import servers as views

urlpatterns = [
    path("instances/", views.ServerListView.as_view(), name="server_list"),
    path("instances/launch/", views.ServerLaunchView.as_view(), name="server_launch"),
    path(
        "instances/launch/quota/",
        views.ServerLaunchQuotaView.as_view(),
        name="server_launch_quota",
    ),
    path("instances/<uuid:pk>/", views.ServerDetailView.as_view(), name="server_detail"),
    path("instances/<uuid:pk>/row/", views.ServerRowView.as_view(), name="server_row"),
    path("instances/<uuid:pk>/console/", views.ServerConsoleView.as_view(), name="server_console"),
    path(
        "instances/<uuid:pk>/console-log/",
        views.ServerConsoleLogView.as_view(),
        name="server_console_log",
    ),
    path(
        "instances/<uuid:pk>/console-log/download/",
        views.ServerConsoleLogDownloadView.as_view(),
        name="server_console_log_download",
    ),
    path(
        "instances/<uuid:pk>/action-log/",
        views.ServerActionLogView.as_view(),
        name="server_action_log",
    ),
]
