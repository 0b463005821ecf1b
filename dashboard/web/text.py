"""Text from the cloud or a user, shown so that it cannot reorder the page around it."""

import re
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Unicode's first-strong isolate and pop directional isolate: plain text's <bdi>.
FSI, PDI = "\u2068", "\u2069"
# A name the dashboard quotes inside a sentence of its own (descriptions, refusals, errors).
QUOTED = re.compile(r"“([^”]*)”")


def isolated(value: Any) -> SafeString:
    """Text from the cloud or a user (a name, a description, a message naming them) in `<bdi>`:
    whatever direction its characters run, and whatever controls they hold (a U+202E override),
    they cannot reorder the page around it. In a sentence of the dashboard's own, each name it
    quotes (“name”) is isolated too, so an override in one cannot reorder the rest of it."""
    escaped = QUOTED.sub(r"“<bdi>\1</bdi>”", conditional_escape(value))
    return mark_safe(f"<bdi>{escaped}</bdi>")  # escaped above


def isolated_text(value: Any) -> str:
    """`isolated` where no tag can go (a page title, an attribute): the text between Unicode's
    isolate controls, which end any override it opened."""
    return f"{FSI}{value}{PDI}"
