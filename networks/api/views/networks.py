from typing import Any

from django import forms
from django.http import QueryDict
from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.services import OperationRefused
from dashboard.web.api import ProjectViewSet, start_from_api, validated_form
from networks.api.serializers.networks import NetworkSerializer
from networks.changes import Change
from networks.changes.networks import create_network, delete_network, update_network
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkCreateForm, NetworkEditForm, network_edit_initial
from networks.selectors.networks import network_get_owned, network_list


def api_form(
    form_class: type[forms.Form],
    request: Request,
    *,
    project_id: str,
    obj: Any = None,
    current: dict[str, Any] | None = None,
) -> forms.Form:
    """The page's form, bound to an API request's data. A page leaves an unticked checkbox out
    (False); an API client leaves out what it wants at its default or, editing, unchanged: so
    omitted checkboxes that default to on stay on, and `current` fills what an edit omits."""
    context = {"project_id": project_id, "obj": obj, "keystone": request.keystone}  # type: ignore[attr-defined]
    fields = form_class(**context).fields  # without the fields the user's policy refuses
    defaults = {
        name: True
        for name, field in fields.items()
        if isinstance(field, forms.BooleanField) and field.initial is True
    }
    unchanged = {name: value for name, value in (current or {}).items() if name in fields}
    given = request.data.dict() if isinstance(request.data, QueryDict) else dict(request.data)
    return form_class({**defaults, **unchanged, **given}, **context)


def start_unless_refused(request: Request, change: Any, *args: Any) -> Response:
    """Start the operation `change(*args)` builds; 400 when the builder refuses (an object in
    use, as the mirror shows it) or the engine does."""
    try:
        built: Change = change(*args)
    except OperationRefused as exc:
        raise ValidationError({"detail": str(exc)}) from exc
    return start_from_api(request, **built)


class NetworkViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProjectViewSet
):
    """Networks the project sees; create (with an optional first subnet), edit and delete its
    own through operations."""

    selector = staticmethod(network_list)
    serializer_class = NetworkSerializer
    filterset_class = NetworkFilterSet
    ordering_fields = ["name", "status", "created_at"]
    input_forms = {
        "create": NetworkCreateForm,
        "update": NetworkEditForm,
        "partial_update": NetworkEditForm,
    }

    def owned(self) -> Any:
        network = self.get_object()
        if network_get_owned(project_id=self.project_id, pk=network.pk) is None:
            raise ValidationError({"detail": "This network belongs to another project."})
        return network

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = api_form(NetworkCreateForm, request, project_id=self.project_id)
        return start_from_api(request, **create_network(validated_form(form)))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        network = self.owned()
        form = api_form(
            NetworkEditForm,
            request,
            project_id=self.project_id,
            obj=network,
            current=network_edit_initial(network),
        )
        return start_from_api(request, **update_network(network, validated_form(form)))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return start_unless_refused(request, delete_network, self.owned())
