"""Security group pages: the list, a group with its rules, and the changes to both."""

from typing import Any

from django.urls import reverse

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.security_groups import (
    add_security_group_rule,
    create_security_group,
    delete_security_group,
    delete_security_group_rule,
    replace_security_group_rule,
    security_group_delete_refusal,
    update_security_group,
)
from networks.filtersets.security_groups import SecurityGroupFilterSet
from networks.forms.security_groups import (
    SecurityGroupCreateForm,
    SecurityGroupForm,
    SecurityGroupRuleAddForm,
    SecurityGroupRuleEditForm,
)
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import (
    security_group_get,
    security_group_list,
    security_group_rule_get,
    security_group_rule_list,
)
from networks.tables.security_groups import (
    SecurityGroupRuleTable,
    SecurityGroupTable,
    policy_permits,
)


def group_url(group_id: str) -> str:
    return reverse("networks:security_group_detail", kwargs={"pk": group_id})


class SecurityGroupListView(ObjectListView):
    selector = staticmethod(security_group_list)
    filterset_class = SecurityGroupFilterSet
    table_class = SecurityGroupTable
    template_name = "web/object_list.html"
    title = "Security Groups"
    create_label = "Create security group"

    @property
    def create_url_name(self) -> str:  # type: ignore[override]
        allowed = policy_permits(self.request, "create_security_group")
        return "networks:security_group_create" if allowed else ""

    @property
    def bulk_delete_url_name(self) -> str:  # type: ignore[override]
        allowed = policy_permits(self.request, "delete_security_group")
        return "networks:security_group_bulk_delete" if allowed else ""


class SecurityGroupDetailView(ObjectDetailView):
    getter = staticmethod(security_group_get)
    template_name = "networks/security_group_detail.html"

    def get_related(self, obj: SecurityGroup) -> dict[str, Any]:
        rules = security_group_rule_list(project_id=self.project_id, security_group_id=obj.pk)
        add, delete = "create_security_group_rule", "delete_security_group_rule"
        return {
            "may_edit": policy_permits(self.request, "update_security_group"),
            "may_delete": policy_permits(self.request, "delete_security_group"),
            "may_add_rule": policy_permits(self.request, add, group=obj),
            "may_delete_rule": policy_permits(self.request, delete, group=obj),
            "rules_table": SecurityGroupRuleTable(
                rules, project_id=self.project_id, request=self.request
            ),
            "delete_refusal": security_group_delete_refusal(obj),
            "common_rule_form": SecurityGroupRuleAddForm(project_id=self.project_id, obj=obj),
        }


class SecurityGroupCreateView(OperationFormView):
    form_class = SecurityGroupCreateForm
    title = "Create security group"
    submit_label = "Create security group"
    success_url_name = "networks:security_group_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return create_security_group(data)


class SecurityGroupEditView(OperationFormView):
    form_class = SecurityGroupForm
    getter = staticmethod(security_group_get)
    title = "Edit security group “{obj.name_or_id}”"

    def get_success_url(self, obj: SecurityGroup) -> str:
        return group_url(obj.pk)

    def change(self, data: dict[str, Any], obj: SecurityGroup) -> dict[str, Any]:
        return update_security_group(obj, data)


class SecurityGroupDeleteView(ObjectActionView):
    getter = staticmethod(security_group_get)
    success_url_name = "networks:security_group_list"

    def change(self, obj: SecurityGroup) -> dict[str, Any]:
        return delete_security_group(obj)


class SecurityGroupBulkDeleteView(BulkActionView):
    getter = staticmethod(security_group_get)
    success_url_name = "networks:security_group_list"

    def change(self, obj: SecurityGroup) -> dict[str, Any]:
        return delete_security_group(obj)


class SecurityGroupRuleAddView(OperationFormView):
    form_class = SecurityGroupRuleAddForm
    getter = staticmethod(security_group_get)
    title = "Add a rule to security group “{obj.name_or_id}”"
    submit_label = "Add rule"

    def get_success_url(self, obj: SecurityGroup) -> str:
        return group_url(obj.pk)

    def change(self, data: dict[str, Any], obj: SecurityGroup) -> dict[str, Any]:
        return add_security_group_rule(obj, data)


class SecurityGroupRuleEditView(OperationFormView):
    form_class = SecurityGroupRuleEditForm
    getter = staticmethod(security_group_rule_get)
    title = "Edit a rule of security group “{obj.security_group.name_or_id}”"
    submit_label = "Replace rule"

    def get_success_url(self, obj: SecurityGroupRule) -> str:
        return group_url(obj.security_group_id)

    def change(self, data: dict[str, Any], obj: SecurityGroupRule) -> dict[str, Any]:
        return replace_security_group_rule(obj, data)


class SecurityGroupRuleDeleteView(ObjectActionView):
    getter = staticmethod(security_group_rule_get)

    def get_success_url(self, obj: SecurityGroupRule) -> str:
        return group_url(obj.security_group_id)

    def change(self, obj: SecurityGroupRule) -> dict[str, Any]:
        return delete_security_group_rule(obj)


class SecurityGroupRuleBulkDeleteView(BulkActionView):
    getter = staticmethod(security_group_rule_get)
    success_url_name = "networks:security_group_list"

    def change(self, obj: SecurityGroupRule) -> dict[str, Any]:
        return delete_security_group_rule(obj)
