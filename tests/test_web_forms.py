"""Create forms show the quota they use and refuse, before any cloud call, what cannot fit; the
shared fields take names and lists as the cloud does."""

import re
from typing import Any

import pytest
from django import forms
from django.utils import timezone

from dashboard.web.forms import (
    DescriptionField,
    LinesField,
    NameField,
    ProjectForm,
    neutron_limit,
)
from networks.factories import RouterFactory
from networks.forms.ports import PortForm
from networks.forms.subnets import SubnetCreateForm
from tenants.models import Quota

pytestmark = pytest.mark.django_db


class RouterLikeForm(ProjectForm):
    name = forms.CharField()
    quotas = (("network", "router"),)


def _quota(limit: int, in_use: int) -> None:
    """A router quota of project `p`, and `in_use` routers in the mirror (which counts them)."""
    RouterFactory.create_batch(in_use, project_id="p")
    Quota.objects.create(
        id="p:network:router",
        project_id="p",
        service="network",
        resource="router",
        limit=limit,
        in_use=0,  # what the last quota sweep read: the mirror's count is newer
        synced_at=timezone.now(),
    )


def test_a_create_that_fits_shows_what_is_left() -> None:
    _quota(limit=10, in_use=3)
    form = RouterLikeForm({"name": "edge"}, project_id="p")

    assert form.is_valid()
    assert form.quota_summary() == ["Routers: 3 of 10 used, 7 left"]


def test_a_create_that_cannot_fit_is_refused_naming_the_limit() -> None:
    _quota(limit=2, in_use=2)
    form = RouterLikeForm({"name": "edge"}, project_id="p")

    assert not form.is_valid()
    assert "You have used 2 of 2 routers" in form.non_field_errors()[0]


def test_an_edit_uses_no_quota() -> None:
    _quota(limit=2, in_use=2)
    form = RouterLikeForm({"name": "edge"}, project_id="p", obj=object())

    assert form.is_valid()
    assert form.quota_summary() == []


class ShapesForm(ProjectForm):
    """One field of each shape the dashboard's forms use."""

    name = forms.CharField(help_text="What you call it.")
    enabled = forms.BooleanField(required=False, initial=True)
    mode = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    groups = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    state = forms.NullBooleanField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A")])


def test_checkboxes_and_radios_are_bootstrap_checks_whose_state_shows() -> None:
    form = ShapesForm(project_id="p")
    html = str(form)

    assert form.fields["enabled"].widget.attrs["class"] == "form-check-input"
    assert form.fields["mode"].widget.attrs["class"] == "form-check-input"
    assert form.fields["state"].widget.attrs["class"] == "form-select"
    assert form.fields["kind"].widget.attrs["class"] == "form-select"
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert '<div class="mb-3 form-check">' in html
    assert 'class="form-check-input" id="id_enabled" checked' in html
    # Each radio sits in a form-check row beside its label, inside a fieldset with a legend.
    assert html.count('<div class="form-check"><input type="radio"') == 2
    assert "<legend" in html


def test_errors_are_announced_on_their_control() -> None:
    form = ShapesForm({"mode": "z"}, project_id="p")
    assert not form.is_valid()
    html = str(form)

    name = re.search(r'<input type="text" name="name"[^>]*>', html)
    assert name is not None
    assert 'class="form-control is-invalid"' in name.group()
    assert 'aria-invalid="true"' in name.group()
    assert 'aria-describedby="id_name_helptext id_name_error"' in name.group()
    assert 'id="id_name_error"' in html
    assert 'id="id_name_helptext"' in html
    # A group of radios is described by its fieldset.
    assert '<fieldset class="mb-3" aria-describedby="id_mode_error">' in html
    assert 'id="id_mode_error"' in html


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("web-\U0001f600", "U+1F600"),  # emoji outside Unicode's first plane
        ("web\x07", "U+0007"),  # a control character
        ("web\u200b1", "U+200B"),  # a zero-width (format) character
        ("web\u2028x", "U+2028"),  # a line separator
    ],
)
def test_a_name_the_cloud_refuses_is_refused_saying_which_characters(
    name: str, problem: str
) -> None:
    with pytest.raises(forms.ValidationError, match=re.escape(problem)):
        NameField().clean(name)


@pytest.mark.parametrize("name", ["web-1", "café 中文 ✓", "a b", "x" * 255])
def test_names_the_cloud_takes_are_kept(name: str) -> None:
    assert NameField().clean(name) == name


def test_a_name_is_at_most_255_characters_without_spaces_around_it() -> None:
    with pytest.raises(forms.ValidationError, match="at most 255"):
        NameField().clean("x" * 256)
    with pytest.raises(forms.ValidationError, match="start or end with a space"):
        NameField(strip=False).clean(" web")


def test_lines_are_bounded_by_neutrons_limit_read_from_settings(settings: Any) -> None:
    field = LinesField(max_lines=neutron_limit("max_dns_nameservers"))
    six = [f"10.0.0.{n}" for n in range(1, 7)]

    with pytest.raises(forms.ValidationError, match="at most 5 lines"):
        field.clean(six)
    settings.NEUTRON_LIMITS = {**settings.NEUTRON_LIMITS, "max_dns_nameservers": 6}
    assert field.clean(six) == "\n".join(six)


def test_the_forms_bound_what_neutron_bounds() -> None:
    subnet, port = SubnetCreateForm.base_fields, PortForm.base_fields
    limits = {
        subnet["dns_nameservers"]: 5,
        subnet["host_routes"]: 20,
        port["fixed_ips"]: 5,
        port["allowed_address_pairs"]: 10,
    }

    for field, limit in limits.items():
        assert isinstance(field, LinesField)
        assert field.max_lines == limit


def test_a_description_the_cloud_cannot_store_is_refused() -> None:
    """Neutron answers a description with an emoji (four bytes in UTF-8) with a 500."""
    with pytest.raises(forms.ValidationError, match=re.escape("U+1F600")):
        DescriptionField().clean("web \U0001f600")
    assert DescriptionField().clean("café, 中文 ✓") == "café, 中文 ✓"
    assert DescriptionField().clean("") == ""
