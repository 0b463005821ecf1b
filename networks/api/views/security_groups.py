"""The security groups API: groups and rules from the mirror, changes through operations."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from dashboard.web.api import ProjectViewSet
from networks.api.serializers.security_groups import (
    SecurityGroupDetailSerializer,
    SecurityGroupRuleSerializer,
    SecurityGroupSerializer,
)
from networks.filtersets.security_groups import SecurityGroupFilterSet, SecurityGroupRuleFilterSet
from networks.forms.security_groups import (
    SecurityGroupCreateForm,
    SecurityGroupDeleteForm,
    SecurityGroupEditForm,
    SecurityGroupRuleCreateForm,
    SecurityGroupRuleDeleteForm,
    SecurityGroupRuleEditForm,
)
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import security_group_list, security_group_rule_list


class SecurityGroupViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """The project's security groups (a group's detail lists its rules); create, edit (name,
    description: PATCH keeps what it leaves out) and delete through operations."""

    selector = staticmethod(security_group_list)
    filterset_class = SecurityGroupFilterSet
    ordering_fields = ["name", "created_at", "rule_count"]
    input_forms = {
        "create": SecurityGroupCreateForm,
        "update": SecurityGroupEditForm,
        "partial_update": SecurityGroupEditForm,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return SecurityGroupDetailSerializer
        return SecurityGroupSerializer

    def get_queryset(self) -> QuerySet[SecurityGroup]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("rules")
        return queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(SecurityGroupCreateForm, request.data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        group: SecurityGroup = self.get_object()
        partial = kwargs.get("partial")
        data = self.form_data(SecurityGroupEditForm, group) if partial else request.data
        return self.start_form(SecurityGroupEditForm, data, group)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(SecurityGroupDeleteForm, {}, self.get_object())


class SecurityGroupRuleViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """Rules of the project's groups (`?security_group=<id>` for one group's); add, replace
    (PUT, or PATCH with the fields that change: one operation creates the new rule, then
    deletes the old) and delete through operations."""

    selector = staticmethod(security_group_rule_list)
    serializer_class = SecurityGroupRuleSerializer
    filterset_class = SecurityGroupRuleFilterSet
    ordering_fields = ["direction", "ethertype", "protocol", "port_range_min", "created_at"]
    input_forms = {
        "create": SecurityGroupRuleCreateForm,
        "update": SecurityGroupRuleEditForm,
        "partial_update": SecurityGroupRuleEditForm,
    }

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(SecurityGroupRuleCreateForm, request.data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rule: SecurityGroupRule = self.get_object()
        partial = kwargs.get("partial")
        data = self.form_data(SecurityGroupRuleEditForm, rule) if partial else request.data
        return self.start_form(SecurityGroupRuleEditForm, data, rule)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(SecurityGroupRuleDeleteForm, {}, self.get_object())
