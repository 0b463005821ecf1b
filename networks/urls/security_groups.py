"""Security group pages, and each change of a group or its rules as its form's page or button."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import OperationFormView
from networks.forms import security_groups as forms
from networks.views import security_groups as views

urlpatterns = [
    path("security-groups/", views.SecurityGroupListView.as_view(), name="security_group_list"),
    path(
        "security-groups/create/",
        OperationFormView.as_view(
            form_class=forms.SecurityGroupCreateForm,
            title=_("Create security group"),
            submit_label=_("Create security group"),
            success_url_name="networks:security_group_list",
        ),
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
        views.SecurityGroupFormView.as_view(
            form_class=forms.SecurityGroupEditForm,
            title=_("Edit security group “{obj.name_or_id}”"),
        ),
        name="security_group_edit",
    ),
    path(
        "security-groups/<str:pk>/delete/",
        views.SecurityGroupDeleteView.as_view(),
        name="security_group_delete",
    ),
    path(
        "security-groups/<str:pk>/rules/add/",
        views.SecurityGroupFormView.as_view(
            form_class=forms.SecurityGroupRuleAddForm,
            title=_("Add a rule to security group “{obj.name_or_id}”"),
            submit_label=_("Add rule"),
        ),
        name="security_group_rule_add",
    ),
    path(
        "security-group-rules/delete/",
        views.SecurityGroupRuleBulkDeleteView.as_view(),
        name="security_group_rule_bulk_delete",
    ),
    path(
        "security-group-rules/<str:pk>/edit/",
        views.SecurityGroupRuleFormView.as_view(
            form_class=forms.SecurityGroupRuleEditForm,
            title=_("Edit a rule of security group “{obj.security_group.name_or_id}”"),
            submit_label=_("Replace rule"),
        ),
        name="security_group_rule_edit",
    ),
    path(
        "security-group-rules/<str:pk>/delete/",
        views.SecurityGroupRuleDeleteView.as_view(),
        name="security_group_rule_delete",
    ),
]
