"""Forms for networking changes; the HTML views and the API validate with the same forms."""

from django import forms

from networks.selectors import external_network_list


class NetworkCreateForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(max_length=255, required=False)


class FloatingIPCreateForm(forms.Form):
    floating_network_id = forms.ChoiceField(label="External network")
    description = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["floating_network_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n.id, n.name_or_id) for n in external_network_list()]
        field.error_messages["invalid_choice"] = (
            "This is not an external network. Choose one of the external networks, "
            "for example “public”."
        )
