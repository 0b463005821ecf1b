"""The user's own settings, and the language chooser of the sign-in page."""

from django.urls import path
from django.views.i18n import set_language

from tenants.views.user_settings import UserSettingsView

urlpatterns = [
    path("settings/", UserSettingsView.as_view(), name="settings"),
    # Django's view: a CSRF-protected POST of `language` and `next`; sets the language cookie.
    path("auth/language/", set_language, name="set_language"),
]
