"""The signed-in user's own settings: language, time zone, page size and theme."""

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import User


@cache
def time_zone_names() -> list[str]:
    """The IANA time zones Python knows, sorted (read once: the list is read from disk)."""
    return sorted(available_timezones())


class UserSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Every time is shown in this zone; hover over a time to see it in UTC."),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone. Choose one from the list, such as Asia/Shanghai."
            )
        },
    )

    class Meta:
        model = User
        fields = ["language", "time_zone", "page_size", "theme"]
        labels = {
            "language": _("Language"),
            "page_size": _("Page size"),
            "theme": _("Theme"),
        }
        help_texts = {
            "language": _(
                "“From the browser” follows your browser's languages, or the one you chose on "
                "the sign-in page."
            ),
            "page_size": _("How many rows each list shows per page."),
            "theme": _("“Follow the system” switches between light and dark as your system does."),
        }
        error_messages = {
            "language": {
                "invalid_choice": _("“%(value)s” is not a language this dashboard speaks.")
            },
            "page_size": {
                "invalid_choice": _("“%(value)s” is not a page size. Choose 10, 25, 50 or 100.")
            },
            "theme": {"invalid_choice": _("“%(value)s” is not a theme. Choose one from the list.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = [(name, name) for name in time_zone_names()]
