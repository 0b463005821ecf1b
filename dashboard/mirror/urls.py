"""Routes of the mirror: the change version open pages poll."""

from django.urls import path

from dashboard.mirror import views

app_name = "mirror"

urlpatterns = [
    path("version/", views.version, name="version"),
]
