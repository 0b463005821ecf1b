"""Beat's housekeeping: expired sessions, and the tokens inside them, are deleted."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from dashboard.celery import app
from tenants.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_cleared() -> None:
    expired, live = SessionStore(), SessionStore()
    expired["keystone"] = {"token": "old"}
    expired.set_expiry(timezone.now() - timedelta(minutes=1))
    expired.save()
    live.set_expiry(3600)
    live.save()

    clear_expired_sessions.apply()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] <= entry["schedule"], name
