"""The base of every form that starts an operation: it knows the session's project."""

from typing import Any, ClassVar

from django import forms
from django.forms.renderers import TemplatesSetting

from dashboard.policy import policy_allows
from tenants.session import KeystoneSession

WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "radioselect": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
}


class BootstrapRenderer(TemplatesSetting):
    """Renders `{{ form }}` with Bootstrap's markup (settings.FORM_RENDERER)."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


class ProjectForm(forms.Form):
    """A form validated against the session's project: its choices and local checks (overlaps,
    quota left) read the mirror for `project_id`; `obj` is the object an edit form changes.

    Pages and the API validate with the same form, so both give the same field errors.
    """

    # Fields the cloud's policy may refuse the session's user: name -> (service, rule), as in
    # `dashboard.policy`. A refused field is left out of the form, and posting it anyway is an
    # error on that field. Without `keystone` (the session) every such field is refused.
    policy_fields: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(
        self,
        *args: Any,
        project_id: str,
        obj: Any = None,
        keystone: KeystoneSession | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.obj = obj
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
            css = WIDGET_CLASSES.get(type(widget).__name__.lower(), "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        for name in self.refused_fields:
            if name in self.data:
                service, rule = self.policy_fields[name]
                message = (
                    f"Your cloud's {service} policy ({rule}) does not let you set {name}; "
                    "leave it out, or ask the cloud's administrators."
                )
                # On the field for API clients; for the page too, which does not show the field.
                self.errors[name] = self.error_class([message], renderer=self.renderer)
                self.add_error(None, message)
        return cleaned_data
