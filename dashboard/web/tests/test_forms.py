"""Create forms show the quota they use and refuse, before any cloud call, what cannot fit."""

import pytest
from django import forms
from django.utils import timezone

from dashboard.web.forms import ProjectForm
from networks.factories import RouterFactory
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
