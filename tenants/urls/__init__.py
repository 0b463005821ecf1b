"""Every tenants route, listed per area in `tenants.urls.<area>`."""

from tenants.urls import (
    invitations,
    links,
    projects,
    quotas,
    requests,
    sign_in,
    sign_up,
    trials,
    user_settings,
)

app_name = "tenants"

urlpatterns = [
    *projects.urlpatterns,
    *sign_in.urlpatterns,
    *quotas.urlpatterns,
    *user_settings.urlpatterns,
    *links.urlpatterns,
    *requests.urlpatterns,
    *invitations.urlpatterns,
    *sign_up.urlpatterns,
    *trials.urlpatterns,
]
