"""The security groups API: groups and rules from the mirror, changes through operations."""

from typing import Any

from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from dashboard.operations.services import OperationRefused
from dashboard.web.api import ProjectViewSet, start_from_api, validated_form
from networks.api.serializers.security_groups import (
    SecurityGroupDetailSerializer,
    SecurityGroupRuleSerializer,
    SecurityGroupSerializer,
)
from networks.changes.security_groups import (
    add_security_group_rule,
    create_security_group,
    delete_security_group,
    delete_security_group_rule,
    replace_security_group_rule,
    update_security_group,
)
from networks.filtersets.security_groups import SecurityGroupFilterSet, SecurityGroupRuleFilterSet
from networks.forms.security_groups import (
    SecurityGroupCreateForm,
    SecurityGroupForm,
    SecurityGroupRuleCreateForm,
    SecurityGroupRuleEditForm,
    rule_initial,
)
from networks.selectors.security_groups import security_group_list, security_group_rule_list


def merged(current: dict[str, Any], request: Request) -> dict[str, Any]:
    """A PATCH's data over the object's current values (JSON, or a form's single values)."""
    data = request.data
    return {**current, **(data.dict() if hasattr(data, "dict") else data)}


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
        "update": SecurityGroupForm,
        "partial_update": SecurityGroupForm,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return SecurityGroupDetailSerializer
        return SecurityGroupSerializer

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("rules")
        return queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = SecurityGroupCreateForm(request.data, project_id=self.project_id)
        return start_from_api(request, **create_security_group(validated_form(form)))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        group = self.get_object()
        current = {"name": group.name, "description": group.description}
        data = merged(current, request) if kwargs.get("partial") else request.data
        form = SecurityGroupForm(data, project_id=self.project_id, obj=group)
        return start_from_api(request, **update_security_group(group, validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            change = delete_security_group(self.get_object())
        except OperationRefused as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return start_from_api(request, **change)


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
        form = SecurityGroupRuleCreateForm(request.data, project_id=self.project_id)
        data = validated_form(form)
        group = form.groups[data["security_group_id"]]
        return start_from_api(request, **add_security_group_rule(group, data))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rule = self.get_object()
        data = merged(rule_initial(rule), request) if kwargs.get("partial") else request.data
        form = SecurityGroupRuleEditForm(data, project_id=self.project_id, obj=rule)
        return start_from_api(request, **replace_security_group_rule(rule, validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_from_api(request, **delete_security_group_rule(self.get_object()))
