"""The project's members page and its invitations; accepting one goes through `tenants:link`."""

from django.urls import path

from tenants.views import invitations as views

urlpatterns = [
    path("project/members/", views.MembersView.as_view(), name="members"),
    path(
        "project/members/invite/",
        views.InvitationCreateView.as_view(),
        name="invitation_create",
    ),
    path(
        "project/invitations/<uuid:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    # The status of an accepting operation, for the invitee's browser (not signed in).
    path(
        "invitations/status/<uuid:operation_id>/",
        views.invitation_status,
        name="invitation_status",
    ),
]
