"""Sign-in, sign-out and switching the session's project."""

from django.urls import path

from tenants.views import sign_in as views

urlpatterns = [
    path("auth/login/", views.login_view, name="login"),
    path("auth/logout/", views.logout_view, name="logout"),
    path("auth/project/<str:project_id>/", views.switch_project, name="switch_project"),
]
