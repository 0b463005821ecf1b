"""Periodic housekeeping for sign-in state."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired sessions, and with them the Keystone tokens they held; idempotent."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
