from django.urls import path

from networks.views import security_groups as views

urlpatterns = [
    path("security-groups/", views.SecurityGroupListView.as_view(), name="security_group_list"),
    path(
        "security-groups/create/",
        views.SecurityGroupCreateView.as_view(),
        name="security_group_create",
    ),
    path(
        "security-groups/delete/",
        views.SecurityGroupBulkDeleteView.as_view(),
        name="security_group_bulk_delete",
    ),
    path(
        "security-groups/<str:pk>/",
        views.SecurityGroupDetailView.as_view(),
        name="security_group_detail",
    ),
    path(
        "security-groups/<str:pk>/edit/",
        views.SecurityGroupEditView.as_view(),
        name="security_group_edit",
    ),
    path(
        "security-groups/<str:pk>/delete/",
        views.SecurityGroupDeleteView.as_view(),
        name="security_group_delete",
    ),
    path(
        "security-groups/<str:pk>/rules/add/",
        views.SecurityGroupRuleAddView.as_view(),
        name="security_group_rule_add",
    ),
    path(
        "security-group-rules/delete/",
        views.SecurityGroupRuleBulkDeleteView.as_view(),
        name="security_group_rule_bulk_delete",
    ),
    path(
        "security-group-rules/<str:pk>/edit/",
        views.SecurityGroupRuleEditView.as_view(),
        name="security_group_rule_edit",
    ),
    path(
        "security-group-rules/<str:pk>/delete/",
        views.SecurityGroupRuleDeleteView.as_view(),
        name="security_group_rule_delete",
    ),
]
