"""The base of every resource API: reads from the mirror of the session's project, and the
contract every write keeps: a JSON object whose fields are the page's form's (anything else is a
400 saying what is wrong), described in the OpenAPI schema from those same forms."""

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as viewset_action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dashboard.operations.api.serializers import OperationSerializer
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import OperationRefused, operation_start
from dashboard.sessions import CloudSession, request_session
from dashboard.web.permissions import permitted_actions

if TYPE_CHECKING:
    from dashboard.web.forms import ProjectForm


class Pagination(PageNumberPagination):
    """Pages of 50; `page_size` up to 500 (a larger one gets 500, a wrong one 50)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class SessionScopeMixin:
    """`project_id` and `user_id` of the signed-in session, which every read is scoped to.

    While drf-spectacular describes the API (`swagger_fake_view`, without a session) both are
    empty, so the views' querysets are empty querysets of the right model.
    """

    request: Any

    def _session_attribute(self, name: str) -> str:
        if getattr(self, "swagger_fake_view", False):
            return ""
        return str(getattr(self.request.keystone, name))

    @property
    def project_id(self) -> str:
        return self._session_attribute("project_id")

    @property
    def user_id(self) -> str:
        return self._session_attribute("user_id")


class ProjectViewSet(
    SessionScopeMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    """List (paged, filtered with the page's filterset, `ordering=`) and retrieve.

    Subclasses set `selector` (a staticmethod taking `project_id`), `serializer_class`,
    `filterset_class` and `ordering_fields`, and add writes that start operations, naming the
    form each write validates with in `input_forms` (action -> form class) for the schema.
    """

    selector: Callable[..., QuerySet[Any]]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    pagination_class = Pagination
    input_forms: ClassVar[Mapping[str, type[forms.Form]]] = {}

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(project_id=self.project_id)

    @property
    def session(self) -> CloudSession:
        return request_session(self.request)

    def permitted_form[FormT: "ProjectForm"](
        self, form_class: type[FormT], data: Any, obj: Any = None, files: Any = None
    ) -> FormT:
        """A write's form, valid: 403 unless the session may take the form's action on `obj`
        (`dashboard.web.permissions`, as the pages' buttons), then the form's errors (400, or
        409 for a refusal)."""
        model, action = form_class.model, form_class.action
        if model is not None and action not in permitted_actions(self.session, model, obj):
            raise PermissionDenied(
                _("You may not do this: your role in the project, or the object's state.")
            )
        form = form_class(data, files, project_id=self.project_id, obj=obj, keystone=self.session)
        validated_form(form)
        return form

    def form_data(self, form_class: type["ProjectForm"], obj: Any = None) -> dict[str, Any]:
        """An API write's body as the page's form takes it. A page leaves an unticked checkbox
        out (False); an API client leaves out what it wants at its default or, editing,
        unchanged: so omitted checkboxes that default to on stay on, and an edit's omitted
        fields keep the values the object has (the form's `initial_for`)."""
        # The form's fields without those the user's policy refuses.
        fields = form_class(project_id=self.project_id, obj=obj, keystone=self.session).fields
        defaults = {
            name: True
            for name, field in fields.items()
            if isinstance(field, forms.BooleanField) and field.initial is True
        }
        current = form_class.initial_for(obj) if obj is not None else {}
        unchanged = {name: value for name, value in current.items() if name in fields}
        data = self.request.data
        given = data.dict() if isinstance(data, QueryDict) else dict(data)
        return {**defaults, **unchanged, **given}

    def start_form(self, form_class: type["ProjectForm"], data: Any, obj: Any = None) -> Response:
        """A write (`permitted_form`): 202 with the operation its valid data starts."""
        form = self.permitted_form(form_class, data, obj)
        return start_from_api(self.request, form.operation_request())


class form_action:
    """A viewset write declared by its form: `rename = form_action(PortRenameForm)` answers
    POST /api/ports/<id>/rename/ (the attribute's name, dashed) with `start_form`; the schema
    takes the request body from the form."""

    def __init__(
        self,
        form_class: type["ProjectForm"],
        *,
        detail: bool = True,
        methods: Sequence[str] = ("post",),
        url_path: str | None = None,
    ) -> None:
        self.form_class = form_class
        self.detail = detail
        self.methods: list[Any] = list(methods)
        self.url_path = url_path
        self.write: Callable[..., Response] | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        form_class, detail = self.form_class, self.detail

        def write(view: ProjectViewSet, request: Request, pk: str | None = None) -> Response:
            obj = view.get_object() if detail else None
            return view.start_form(form_class, request.data, obj)

        write.__name__ = name
        write.__doc__ = form_class.__doc__
        write.form_class = form_class  # type: ignore[attr-defined]
        path = self.url_path or name.replace("_", "-")
        self.write = viewset_action(detail=detail, methods=self.methods, url_path=path)(write)

    def __get__(self, view: Any, owner: type | None = None) -> Any:
        assert self.write is not None
        return self.write if view is None else self.write.__get__(view, owner)


# ---- writes: a form's valid data starts an operation ---------------------------------------


def accepted(operation: Operation) -> Response:
    """202 with the operation, and where to follow it."""
    location = reverse("operation-detail", kwargs={"pk": operation.pk})
    return Response(
        OperationSerializer(operation).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": location},
    )


class Refused(ValidationError):
    """409: the change cannot be made now (`OperationRefused`); `detail` says why and what to do."""

    status_code = status.HTTP_409_CONFLICT


def validated_form(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or its errors (the same checks as the pages): a 400 for fields
    the form does not have, values of the wrong type and wrong values; a 409 with `detail` when
    the form refuses the change (`OperationRefused` in its `clean()`)."""
    if errors := body_errors(form):
        raise ValidationError(errors)
    if not form.is_valid():
        refusals = [
            error["message"]
            for error in form.errors.get_json_data().get("__all__", [])
            if error["code"] == OperationRefused.code
        ]
        if refusals:
            raise Refused({"detail": " ".join(refusals)})
        raise ValidationError(form.errors.get_json_data())
    return dict(form.cleaned_data)


def operation_started(request: Request, operation_request: OperationRequest) -> Operation:
    """Start an operation for an API write; raises Refused (409) saying why it was refused."""
    try:
        return operation_start(actor=request_session(request), request=operation_request)
    except OperationRefused as exc:
        raise Refused({"detail": str(exc)}) from exc


def start_from_api(request: Request, operation_request: OperationRequest) -> Response:
    """Start an operation for an API write: 202 with it, or 409 saying why it was refused."""
    return accepted(operation_started(request, operation_request))


# ---- form fields as the API takes them ----------------------------------------------------


def api_field(field: forms.Field, *, describe: bool) -> serializers.Field[Any, Any, Any, Any]:
    """The JSON shape a form field takes. `describe`: for the schema, with the field's bounds
    and fixed choices; otherwise the JSON type alone, to check a body's shape before the form
    checks its values with its own messages. A form field may define `api_field()` itself."""
    common: dict[str, Any] = {"required": False, "allow_null": not field.required}
    if describe and field.help_text:
        common["help_text"] = str(field.help_text)
    if custom := getattr(field, "api_field", None):
        described: serializers.Field[Any, Any, Any, Any] = custom(**common)
        return described
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.IntegerField):
        if describe:
            common |= {"min_value": _value(field.min_value), "max_value": _value(field.max_value)}
        return serializers.IntegerField(**common)
    if isinstance(field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(), **common)
    if not describe:
        return serializers.CharField(allow_blank=True, trim_whitespace=False, **common)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
        if fixed := [str(value) for value, label in choices if not isinstance(label, list)]:
            return serializers.ChoiceField(choices=fixed, allow_blank=True, **common)
    return serializers.CharField(
        max_length=getattr(field, "max_length", None), allow_blank=True, **common
    )


def _value(bound: Any) -> Any:
    """A form field's bound (min_value, max_value), which may be a function."""
    return bound() if callable(bound) else bound


def _serializer_for(
    name: str, fields: Mapping[str, forms.Field], *, describe: bool
) -> type[serializers.Serializer[Any]]:
    attrs: dict[str, Any] = {
        key: api_field(field, describe=describe) for key, field in fields.items()
    }
    attrs["closed_body"] = True  # a field it does not name is refused (body_errors)
    return type(name, (serializers.Serializer,), attrs)


# Request component names given so far, and their forms: two apps may name forms alike.
_request_names: dict[str, type[forms.Form]] = {}


@cache
def form_request_serializer(form_class: type[forms.Form]) -> type[serializers.Serializer[Any]]:
    """The request body a form takes, for the schema: `<Form>Request` with its fields (prefixed
    with the form's app when another app's form has the name already). A form that adds fields
    as it is made lists them all in a classmethod `api_fields`."""
    name = f"{form_class.__name__.removesuffix('Form')}Request"
    if _request_names.setdefault(name, form_class) is not form_class:
        name = form_class.__module__.split(".")[0].capitalize() + name
    api_fields = getattr(form_class, "api_fields", None)
    fields = api_fields() if api_fields is not None else form_class.base_fields
    return _serializer_for(name, fields, describe=True)


# Sent by Django's own form posts; not a field of any form.
IGNORED_FIELDS = frozenset({"csrfmiddlewaretoken"})


def body_errors(form: forms.Form) -> dict[str, list[dict[str, str]]]:
    """What is wrong with the shape of a bound form's data before the form looks at values:
    fields it does not have, and values of the wrong JSON type (a list or an object given as a
    name). The same shape as a form's errors (`errors.get_json_data()`)."""
    refused = set(getattr(form, "refused_fields", ()))
    known = set(form.fields) | refused | IGNORED_FIELDS
    errors: dict[str, list[dict[str, str]]] = {}
    if unknown := sorted(set(form.data) - known):
        allowed = ", ".join(sorted(set(form.fields)))
        errors["__all__"] = [
            {
                "message": ngettext(
                    "Unknown field: %(unknown)s. This takes: %(allowed)s.",
                    "Unknown fields: %(unknown)s. This takes: %(allowed)s.",
                    len(unknown),
                )
                % {"unknown": ", ".join(unknown), "allowed": allowed},
                "code": "unknown_field",
            }
        ]
    given = {name: _given(form.data, name) for name in form.fields if name in form.data}
    checker = _serializer_for("Body", form.fields, describe=False)(data=given)
    if not checker.is_valid():
        for name, detail in checker.errors.items():
            errors[name] = _entries(detail)
    return errors


def _given(data: Any, name: str) -> Any:
    """A field's value as sent: a form post's repeated field is a list, as in JSON."""
    if isinstance(data, QueryDict):
        values = data.getlist(name)
        return values if len(values) > 1 else values[0]
    return data[name]


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class LinesApiField(serializers.Field[Any, Any, Any, Any]):
    """Text of one item per line, or the list of those items."""

    default_error_messages = {
        "invalid": gettext_lazy("Give a string of lines, or a list of strings.")
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) or (
            isinstance(data, list) and all(isinstance(item, str) for item in data)
        ):
            return data
        self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answer for `exc`, with every 400 in the one error shape (ERROR_SCHEMA): a list of
    {message, code} per field, whoever raised it (a form, a filterset, a serializer). A 404 says
    so in the request's language (Django's names the model class: "No Port matches the given
    query.")."""
    if isinstance(exc, Http404):
        exc = NotFound(_("Not found: it does not exist, or it is not visible to this project."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        data = response.data if isinstance(response.data, dict) else {"__all__": response.data}
        response.data = {
            name: detail if name == "detail" and isinstance(detail, str) else _entries(detail)
            for name, detail in data.items()
        }
    return response


def _entries(detail: Any) -> list[dict[str, str]]:
    """A field's errors as {message, code} entries (a form's are so already)."""
    if isinstance(detail, dict) and "message" in detail:
        return [{"message": str(detail["message"]), "code": str(detail.get("code", "invalid"))}]
    if isinstance(detail, dict | list):
        items = detail.values() if isinstance(detail, dict) else detail
        return [entry for item in items for entry in _entries(item)]
    return [{"message": str(detail), "code": str(getattr(detail, "code", None) or "invalid")}]


# ---- the schema ---------------------------------------------------------------------------


# Every 4xx answer: `detail` for the request as a whole, or for a form's errors one list per
# field (`__all__` for the form as a whole), each error with a `message` and a `code`.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
            "required": ["message", "code"],
        },
    },
}
ERROR_DESCRIPTIONS = {
    "400": "The request is wrong: the body's shape or a field's value.",
    "403": "Not signed in, or not allowed.",
    "404": "Nothing with this id in the session's project.",
    "429": "Too many requests: wait and try again.",
}
REFUSED_DESCRIPTION = (
    "Refused: the object's state does not allow the change now, or another operation on it "
    "is still running; `detail` says why and what to do."
)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ApiSchema(AutoSchema):
    """The schema of this API: a write's body is its form's fields (the view's `input_forms`),
    and it answers 202 with the Operation it started; every operation may answer the errors in
    ERROR_DESCRIPTIONS and the view's `error_responses`, in one error shape. A serializer's
    `conditional_fields` (shown to some users only) are not promised in every answer."""

    def _input_form(self) -> type[forms.Form] | None:
        handler = getattr(self.view, getattr(self.view, "action", "") or "", None)
        if declared := getattr(handler, "form_class", None):
            return declared  # type: ignore[no-any-return]
        forms_by_action = getattr(self.view, "input_forms", {})
        form_class: type[forms.Form] | None = forms_by_action.get(getattr(self.view, "action", ""))
        return form_class

    def get_request_serializer(self) -> Any:
        if self.method not in WRITE_METHODS:
            return super().get_request_serializer()
        if self.method == "DELETE":
            return None
        form_class = self._input_form()
        return None if form_class is None else form_request_serializer(form_class)

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)  # type: ignore[no-untyped-call]
        if getattr(serializer, "closed_body", False):
            schema["additionalProperties"] = False
        if conditional := set(getattr(serializer, "conditional_fields", ())):
            required = [name for name in schema.get("required", []) if name not in conditional]
            schema.pop("required", None)
            if required:
                schema["required"] = required
        return schema

    def get_response_serializers(self) -> Any:
        if self.method in WRITE_METHODS:
            return {
                202: OpenApiResponse(
                    OperationSerializer,
                    description="Started: the operation (follow it at its Location).",
                )
            }
        return super().get_response_serializers()

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        error = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(error)
        errors = {**ERROR_DESCRIPTIONS, **getattr(self.view, "error_responses", {})}
        if self.method in WRITE_METHODS:
            errors.setdefault("409", REFUSED_DESCRIPTION)
        for code, description in errors.items():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": error.ref}},
                    "description": description,
                },
            )
        return responses
