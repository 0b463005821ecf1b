"""The select widget's options, formatted in Python, are Django's own markup."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates


class Choices(forms.Form):
    single = forms.ChoiceField(
        choices=[
            ("", "Any <image>"),
            ("x&y", 'Say "hi"'),
            ("Group & co", [("1", "one"), ("2", "two")]),
        ]
    )
    several = forms.MultipleChoiceField(
        choices=[("1", "one"), ("2", "two"), ("3", "three")],
        widget=forms.SelectMultiple(attrs={"data-note": 'a "quoted" <note>'}),
    )
    typed = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)


def _markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_options_are_what_djangos_templates_write() -> None:
    form = Choices(initial={"single": "2", "several": ["1", "3"], "typed": 2})

    for name, field in form.fields.items():
        bound = form[name]
        ours = field.widget.render(name, bound.value(), attrs={"id": bound.auto_id})
        django = field.widget.render(
            name, bound.value(), attrs={"id": bound.auto_id}, renderer=DjangoTemplates()
        )
        assert _markup(ours) == _markup(django)
        assert "<option" in ours
    assert "selected" in form["single"].as_widget()
