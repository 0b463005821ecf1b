"""The base of every form that starts an operation: it knows the session's project."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

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

    def __init__(self, *args: Any, project_id: str, obj: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.obj = obj
        for field in self.fields.values():
            widget = field.widget
            css = WIDGET_CLASSES.get(type(widget).__name__.lower(), "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
