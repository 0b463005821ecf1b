"""The base of every form that starts an operation, and the fields every app's forms share: names
as the cloud takes them, descriptions, lists of lines, on/off settings.

A form is the one declaration of an action: its fields and checks, the refusals the mirror can
decide (raised as `OperationRefused` in `clean()`), what the cloud's policy must allow, and the
`OperationRequest` its valid data becomes. Pages and the API validate with the same form.
"""

import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any, ClassVar, Protocol

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from dashboard.operations.registry import OperationRequest
from dashboard.policy import policy_allows
from dashboard.sessions import CloudSession
from dashboard.web.api import LinesApiField

# Bootstrap's class for each kind of widget, most specific first (CheckboxSelectMultiple is a
# RadioSelect, NullBooleanSelect a Select); any other widget is a form-control.
WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxInput, "form-check-input"),
    (forms.RadioSelect, "form-check-input"),
    (forms.Select, "form-select"),
)


def bootstrap_class(widget: forms.Widget) -> str:
    """Bootstrap's class for a form widget: form-select, form-check-input or form-control."""
    return next((css for kind, css in WIDGET_CLASSES if isinstance(widget, kind)), "form-control")


class BootstrapBoundField(forms.BoundField):
    """A field whose control shows its errors: `is-invalid` (Bootstrap's red outline) beside the
    `aria-invalid` and `aria-describedby` (to `<id>_error`) that Django adds."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            own = attrs.get("class") or (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{own} is-invalid".strip()
        return attrs


def form_errors_text(form: forms.Form) -> str:
    """A form's errors as one message, each field's prefixed with its label: for a form sent
    from a button whose page does not show the form's fields."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        for error in errors:
            if name in form.fields:
                # Translators: an error away from its field: “Name: This field is required.”
                error = _("%(label)s: %(error)s") % {"label": form[name].label, "error": error}
            parts.append(str(error))
    return " ".join(dict.fromkeys(parts))


def printable_for_the_cloud(char: str) -> bool:
    """Whether Nova and Neutron take `char` in a name: printable (no control, format or private
    characters; of the separators only spaces) and in Unicode's first plane, which leaves out
    most emoji. Their own rule: `_is_printable` and `_build_regex_range`, which stops at U+FFFF,
    in nova/api/validation/parameter_types.py and neutron_lib/api/validators/__init__.py."""
    category = unicodedata.category(char)
    return (
        ord(char) < 0xFFFF
        and not category.startswith("C")
        and (not category.startswith("Z") or category == "Zs")
    )


def validate_cloud_name(value: str) -> None:
    """Refuse a name Nova or Neutron would refuse (`valid_name_regex`, the same in both):
    characters that are not printable, or white space at either end."""
    if refused := sorted({char for char in value if not printable_for_the_cloud(char)}):
        shown = ", ".join(f"U+{ord(char):04X}" for char in refused)
        raise ValidationError(
            _(
                "The cloud does not take these characters in a name: %(characters)s. Use "
                "letters, digits, spaces and punctuation (emoji and control characters are "
                "refused)."
            )
            % {"characters": shown},
            code="invalid_characters",
        )
    if value[:1].isspace() or value[-1:].isspace():
        raise ValidationError(
            _("A name cannot start or end with a space."), code="surrounding_space"
        )


class NameField(forms.CharField):
    """A resource's name as Nova and Neutron take it: at most 255 printable characters."""

    default_validators = [validate_cloud_name]

    def __init__(self, *, max_length: int = 255, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)


def validate_storable(value: str) -> None:
    """Refuse characters beyond Unicode's first plane (most emoji): the cloud's databases store
    three-byte UTF-8, and Neutron answers a description holding one with a 500."""
    if refused := sorted({char for char in value if ord(char) > 0xFFFF}):
        shown = ", ".join(f"U+{ord(char):04X}" for char in refused)
        raise ValidationError(
            _(
                "The cloud cannot store these characters: %(characters)s (emoji and other "
                "characters beyond U+FFFF). Leave them out."
            )
            % {"characters": shown},
            code="unstorable_characters",
        )


class DescriptionField(forms.CharField):
    """A description as the cloud stores it: at most 255 characters of Unicode's first plane."""

    default_validators = [validate_storable]

    def __init__(self, *, max_length: int = 255, required: bool = False, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, required=required, **kwargs)


class LinesField(forms.CharField):
    """A textarea of one item per line (API clients may send a list of items instead), with at
    most `max_lines` items when given (a number, or a function that reads it from settings)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, max_lines: int | Callable[[], int] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._max_lines = max_lines

    @property
    def max_lines(self) -> int | None:
        return self._max_lines() if callable(self._max_lines) else self._max_lines

    def to_python(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            value = "\n".join(str(item) for item in value)
        return str(super().to_python(value))

    def api_field(self, **kwargs: Any) -> Any:
        return LinesApiField(**kwargs)

    def lines(self, value: str) -> list[str]:
        return [line.strip() for line in value.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        super().validate(value)
        limit = self.max_lines
        if limit is not None and len(self.lines(value)) > limit:
            raise ValidationError(
                ngettext(
                    "Give at most %(limit)s line here: the cloud takes no more.",
                    "Give at most %(limit)s lines here: the cloud takes no more.",
                    limit,
                )
                % {"limit": limit},
                code="max_lines",
            )


def neutron_limit(name: str) -> Callable[[], int]:
    """One of Neutron's per-resource limits, read when a form is validated: neutron.conf sets
    them and Neutron's API does not tell them, so settings.NEUTRON_LIMITS repeats them
    (max_dns_nameservers, max_subnet_host_routes, max_fixed_ips_per_port,
    max_allowed_address_pair)."""
    return lambda: int(settings.NEUTRON_LIMITS[name])


class BootstrapRenderer(TemplatesSetting):
    """Renders `{{ form }}` with Bootstrap's markup (settings.FORM_RENDERER)."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
    bound_field_class = BootstrapBoundField


class QuotaChecks(Protocol):
    """The quota hook of create forms (`settings.QUOTA_CHECKS` names the module that is one)."""

    def quota_line(self, *, project_id: str, service: str, resource: str) -> str: ...

    def require_quota(
        self, *, project_id: str, service: str, resource: str, adding: int = 1
    ) -> None: ...

    def quota_request_url(self, *, service: str, resource: str) -> str: ...


@cache
def quota_checks() -> QuotaChecks:
    # A module, not an attribute: import_string would find `tenants.quotas` only once imported.
    checks: QuotaChecks = import_module(settings.QUOTA_CHECKS)
    return checks


class OnOffField(forms.TypedChoiceField):
    """A yes/no setting as a select; the API may send true or false; left out means `default`."""

    def __init__(
        self, *, on: StrOrPromise, off: StrOrPromise, default: bool | None, **kwargs: Any
    ) -> None:
        super().__init__(
            choices=[("on", on), ("off", off)],
            coerce=lambda value: value == "on",
            empty_value=default,  # type: ignore[arg-type]  # django-stubs: any value is taken
            required=False,
            **kwargs,
        )

    def api_field(self, **kwargs: Any) -> serializers.BooleanField:
        """The API sends true or false ("on" and "off" too)."""
        return serializers.BooleanField(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bool) or str(value).lower() in ("true", "false"):
            return "on" if str(value).lower() == "true" else "off"
        return super().to_python(value)


class AdminStateField(OnOffField):
    """A resource's administrative state, Up or Down (Up when left out)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Administrative state"))
        super().__init__(on=gettext_lazy("Up"), off=gettext_lazy("Down"), default=True, **kwargs)


class ProjectForm(forms.Form):
    """A form validated against the session's project: its choices and local checks (overlaps,
    quota left, refusals) read the mirror for `project_id`; `obj` is the object it changes.

    An action's form also says what it is: `model` and `action` (the page's URL is named
    `<app>:<model>_<action>`), `policy` (the cloud's rule the action needs), `label` (its button
    in the object's header; "" when the page places its button itself), and implements
    `operation_request()`. `dashboard.web.permissions` lists, from these, the actions a session
    may take on an object, for every button and the API.
    """

    model: ClassVar[type[Model] | None] = None
    action: ClassVar[str] = ""
    # (service, rule) of the cloud's policy the action needs; None: no rule of its own.
    policy: ClassVar[tuple[str, str] | None] = None
    label: ClassVar[StrOrPromise] = ""
    # Whether the action is on an existing object (False for a create).
    on_object: ClassVar[bool] = True
    # A POST without fields (delete, clear the gateway) asks this first ({obj}: the object's name).
    confirm: ClassVar[StrOrPromise] = ""
    # Fields the cloud's policy may refuse the session's user: name -> (service, rule), as in
    # `dashboard.policy`. A refused field is left out of the form, and posting it anyway is an
    # error on that field. Without `keystone` (the session) every such field is refused.
    policy_fields: ClassVar[dict[str, tuple[str, str]]] = {}
    # Quotas a create uses, as (service, resource) pairs named as in `tenants.quotas`: the form
    # shows what is left of each, and refuses a create that cannot fit before any cloud call.
    quotas: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.model is not None and cls.action and "action" in cls.__dict__:
            from dashboard.web.permissions import register_action_form

            register_action_form(cls)

    def __init__(
        self,
        *args: Any,
        project_id: str,
        obj: Any = None,
        keystone: CloudSession | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.obj = obj
        # A quota refusal's message -> the page that asks for more of that quota.
        self.quota_refusal_links: dict[str, str] = {}
        self.keystone = keystone
        self.refused_fields = [
            name
            for name, (service, rule) in self.policy_fields.items()
            if keystone is None or not policy_allows(keystone, service, rule)
        ]
        for name in self.refused_fields:
            del self.fields[name]
        for field in self.fields.values():
            widget = field.widget
            css = bootstrap_class(widget)
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    @classmethod
    def policy_permits(cls, session: CloudSession) -> bool:
        """Whether the cloud's policy lets the session take the action on its project's
        objects (a form whose action needs more than its `policy` rule checks them all)."""
        return cls.policy is None or policy_allows(session, *cls.policy)

    @classmethod
    def initial_for(cls, obj: Any) -> dict[str, Any]:
        """The values the form's page starts with for `obj` (an edit: the object's own)."""
        return {}

    @classmethod
    def applies_to(cls, obj: Any) -> bool:
        """Whether the action makes sense for `obj` as the mirror shows it (a clear-gateway
        button only on a router with a gateway); its button is left out where it does not."""
        return True

    def operation_request(self) -> OperationRequest:
        """The operation the form's valid data asks for."""
        raise NotImplementedError(f"{type(self).__name__} starts no operation.")

    def quota_adding(self, service: str, resource: str) -> int:
        """How much of a quota the create uses (1 by default; e.g. a launch's count x vCPUs)."""
        return 1

    def quota_summary(self) -> list[str]:
        """ "Networks: 3 of 10 used, 7 left" for each quota a create uses (none for an edit)."""
        if self.obj is not None:
            return []
        checks = quota_checks()
        return [
            checks.quota_line(project_id=self.project_id, service=service, resource=resource)
            for service, resource in self.quotas
        ]

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        if self.obj is None:
            checks = quota_checks()
            for service, resource in self.quotas:
                adding = self.quota_adding(service, resource)
                try:
                    checks.require_quota(
                        project_id=self.project_id,
                        service=service,
                        resource=resource,
                        adding=adding,
                    )
                except forms.ValidationError as refusal:
                    self.add_error(None, refusal)
                    # Where the refusal offers to ask for more of that quota.
                    url = checks.quota_request_url(service=service, resource=resource)
                    self.quota_refusal_links.update(dict.fromkeys(refusal.messages, url))
        for name in self.refused_fields:
            if name in self.data:
                service, rule = self.policy_fields[name]
                message = _(
                    "Your cloud's %(service)s policy (%(rule)s) does not let you set %(field)s; "
                    "leave it out, or ask the cloud's administrators."
                ) % {"service": service, "rule": rule, "field": name}
                # On the field for API clients; for the page too, which does not show the field.
                self.errors[name] = self.error_class([message], renderer=self.renderer)
                self.add_error(None, message)
        return cleaned_data
