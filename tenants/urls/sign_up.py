"""The public sign-up page and the administrators' queue of applications; the mailed links'
pages go through `tenants:link`."""

from django.urls import path

from tenants.views import sign_up as views

urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="sign_up"),
    path("signup/resend/", views.sign_up_resend, name="sign_up_resend"),
    path("admin/applications/", views.ApplicationListView.as_view(), name="admin_applications"),
    path(
        "admin/applications/<uuid:pk>/",
        views.ApplicationView.as_view(),
        name="admin_application",
    ),
    path(
        "admin/applications/policy/",
        views.SignUpPolicyView.as_view(),
        name="admin_sign_up_policy",
    ),
]
