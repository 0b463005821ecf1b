from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language_after_the_test() -> Iterator[None]:
    """A request leaves its language (the browser's, or the user's setting) active in the
    thread; the tests after it that make no request read texts in the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
