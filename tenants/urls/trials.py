"""The administrators' dry run of the trials' clean-up."""

from django.urls import path

from tenants.views import trials as views

urlpatterns = [
    path("admin/trials/cleanup/", views.TrialCleanupView.as_view(), name="admin_trial_cleanup"),
]
