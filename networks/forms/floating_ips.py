"""Floating IP forms."""

from typing import Any

from django import forms

from dashboard.web.forms import ProjectForm
from networks.selectors.networks import external_network_list


class FloatingIPCreateForm(ProjectForm):
    floating_network_id = forms.ChoiceField(label="External network")
    description = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["floating_network_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n.id, n.name_or_id) for n in external_network_list()]
        field.error_messages["invalid_choice"] = (
            "This is not an external network. Choose one of the external networks, "
            "for example “public”."
        )
