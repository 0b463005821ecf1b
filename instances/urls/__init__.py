"""Every compute route, listed per resource in `instances.urls.<resource>`."""

from instances.urls import keypairs, server_actions, servers

app_name = "instances"

urlpatterns = [*servers.urlpatterns, *server_actions.urlpatterns, *keypairs.urlpatterns]
