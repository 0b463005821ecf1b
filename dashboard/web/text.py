"""Text from the cloud or a user, shown so that it cannot reorder the page around it."""

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

# Unicode's first-strong isolate and pop directional isolate: plain text's <bdi>.
FSI, PDI = "\u2068", "\u2069"


def isolated(value: Any) -> SafeString:
    """Text from the cloud or a user (a name, a description, a message naming them) in `<bdi>`:
    whatever direction its characters run, and whatever controls they hold (a U+202E override),
    they cannot reorder the page around it."""
    return format_html("<bdi>{}</bdi>", value)


def isolated_text(value: Any) -> str:
    """`isolated` where no tag can go (a page title, an attribute): the text between Unicode's
    isolate controls, which end any override it opened."""
    return f"{FSI}{value}{PDI}"
