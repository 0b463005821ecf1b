"""Keep a user's own settings (they apply from the next request on)."""

from tenants.models import User


def user_settings_update(
    *, user: User, language: str, time_zone: str, page_size: int, theme: str
) -> User:
    """Store the user's settings; they are checked by `tenants.forms.user_settings`."""
    user.language, user.time_zone, user.page_size, user.theme = (
        language,
        time_zone,
        page_size,
        theme,
    )
    user.save(update_fields=["language", "time_zone", "page_size", "theme"])
    return user
