from typing import Any

from django import forms
from django.http import QueryDict
from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.services import OperationRefused
from dashboard.web.api import ProjectViewSet, start_from_api
from dashboard.web.forms import ProjectForm
from networks.api.serializers.networks import NetworkSerializer
from networks.filtersets.networks import NetworkFilterSet
from networks.forms.networks import NetworkCreateForm, NetworkDeleteForm, NetworkEditForm
from networks.selectors.networks import network_list


def api_data(view: ProjectViewSet, form_class: type[ProjectForm], obj: Any = None) -> Any:
    """An API write's body as the page's form takes it. A page leaves an unticked checkbox out
    (False); an API client leaves out what it wants at its default or, editing, unchanged: so
    omitted checkboxes that default to on stay on, and an edit's omitted fields keep the values
    the object has (the form's `initial_for`)."""
    # The form's fields without those the user's policy refuses.
    fields = form_class(project_id=view.project_id, obj=obj, keystone=view.session).fields
    defaults = {
        name: True
        for name, field in fields.items()
        if isinstance(field, forms.BooleanField) and field.initial is True
    }
    current = form_class.initial_for(obj) if obj is not None else {}
    unchanged = {name: value for name, value in current.items() if name in fields}
    data = view.request.data
    given = data.dict() if isinstance(data, QueryDict) else dict(data)
    return {**defaults, **unchanged, **given}


def start_unless_refused(request: Request, change: Any, *args: Any) -> Response:
    """Start the operation `change(*args)` builds; 400 when the builder refuses (an object in
    use, as the mirror shows it) or the engine does."""
    try:
        built = change(*args)
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

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(NetworkCreateForm, api_data(self, NetworkCreateForm))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        network = self.get_object()
        return self.start_form(NetworkEditForm, api_data(self, NetworkEditForm, network), network)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(NetworkDeleteForm, {}, self.get_object())
