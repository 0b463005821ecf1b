"""`gettext_lazy` for the networking app's declarations, typed as the `str` the core declares.

The core's declarations (a list's `title`, a form's `label` and `confirm`, a `RowAction`'s
label) are typed `str`, and django-stubs types `gettext_lazy` as a promise, so mypy refuses a
lazy text there although it formats and renders as a string. Import it as `_` (makemessages
extracts `_("…")`); once the core types those attributes `StrOrPromise`, this module can go.
"""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy as django_gettext_lazy

gettext_lazy = cast(Callable[[str], str], django_gettext_lazy)
