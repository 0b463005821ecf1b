"""Template source checks that no page test would notice until a person reads the page."""

from pathlib import Path
from typing import cast

from django.conf import settings


def test_no_template_comment_spans_lines() -> None:
    """Django's `{# #}` ends at the line's end: a comment over two lines is shown on the page
    (use `{% comment %}`)."""
    spread = [
        f"{path}:{number}"
        for directory in cast(list[str], settings.TEMPLATES[0]["DIRS"])
        for path in sorted(Path(directory).rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]

    assert spread == []


def test_no_template_has_an_inline_style() -> None:
    """The Content-Security-Policy allows styles from files only (`style-src 'self'`): a `style`
    attribute is refused by the browser, and the page looks wrong (use a class in
    static/css/dashboard.css)."""
    inline = [
        f"{path}:{number}"
        for directory in cast(list[str], settings.TEMPLATES[0]["DIRS"])
        for path in sorted(Path(directory).rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if " style=" in line
    ]

    assert inline == []
