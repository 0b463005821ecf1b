"""Security group pages: the list, and a group's page with its rules; every change is a form's
page or button, declared in `networks/urls/security_groups.py` with its form
(`networks/forms/security_groups.py`)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
)
from dashboard.web.permissions import allowed_by_policy
from networks.filtersets.security_groups import SecurityGroupFilterSet
from networks.forms.security_groups import (
    SecurityGroupDeleteForm,
    SecurityGroupRuleAddForm,
    SecurityGroupRuleDeleteForm,
    security_group_delete_refusal,
)
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import (
    security_group_get,
    security_group_list,
    security_group_rule_get,
    security_group_rule_list,
)
from networks.tables.security_groups import SecurityGroupRuleTable, SecurityGroupTable
from networks.tasks import FRESHNESS


def group_url(group_id: str | None) -> str:
    return reverse("networks:security_group_detail", kwargs={"pk": group_id})


class SecurityGroupListView(ObjectListView):
    freshness = FRESHNESS
    selector = staticmethod(security_group_list)
    filterset_class = SecurityGroupFilterSet
    table_class = SecurityGroupTable
    template_name = "web/object_list.html"
    title = _("Security Groups")
    create_label = _("Create security group")
    create_url_name = "networks:security_group_create"
    bulk_delete_url_name = "networks:security_group_bulk_delete"


class SecurityGroupDetailView(ObjectDetailView):
    getter = staticmethod(security_group_get)
    noun = _("security group")
    template_name = "networks/security_group_detail.html"

    def get_related(self, obj: SecurityGroup) -> dict[str, Any]:
        rules = security_group_rule_list(project_id=self.project_id, security_group_id=obj.pk)
        rule_actions = allowed_by_policy(self.session, SecurityGroupRule)
        return {
            "rules_table": SecurityGroupRuleTable(
                rules, project_id=self.project_id, request=self.request
            ),
            "may_delete_rules": "delete" in rule_actions,
            "delete_refusal": security_group_delete_refusal(obj),
            "common_rule_form": SecurityGroupRuleAddForm(project_id=self.project_id, obj=obj),
        }


class SecurityGroupFormView(OperationFormView):
    """A form that changes one of the project's groups; back to its page after."""

    getter = staticmethod(security_group_get)

    def get_success_url(self, obj: SecurityGroup) -> str:
        return group_url(obj.pk)


class SecurityGroupDeleteView(ObjectActionView):
    getter = staticmethod(security_group_get)
    form_class = SecurityGroupDeleteForm
    success_url_name = "networks:security_group_list"


class SecurityGroupBulkDeleteView(BulkActionView):
    getter = staticmethod(security_group_get)
    form_class = SecurityGroupDeleteForm
    success_url_name = "networks:security_group_list"


class SecurityGroupRuleFormView(OperationFormView):
    """A form that changes one rule of the project's groups; back to its group's page after."""

    getter = staticmethod(security_group_rule_get)

    def get_success_url(self, obj: SecurityGroupRule) -> str:
        return group_url(obj.security_group_id)


class SecurityGroupRuleDeleteView(ObjectActionView):
    getter = staticmethod(security_group_rule_get)
    form_class = SecurityGroupRuleDeleteForm

    def get_success_url(self, obj: SecurityGroupRule) -> str:
        return group_url(obj.security_group_id)


class SecurityGroupRuleBulkDeleteView(BulkActionView):
    getter = staticmethod(security_group_rule_get)
    form_class = SecurityGroupRuleDeleteForm
    success_url_name = "networks:security_group_list"
