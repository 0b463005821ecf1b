"""Config files written from the templates in devcloud/templates/ with string.Template."""

from pathlib import Path
from string import Template

from devcloud.paths import TEMPLATES


def fill(template_name: str, **values: object) -> str:
    """The template's text with every `$name` replaced; a missing value is an error."""
    text = (TEMPLATES / template_name).read_text()
    return Template(text).substitute({key: str(value) for key, value in values.items()})


def render(template_name: str, target: Path, **values: object) -> None:
    """Write the filled template to `target`, creating its directory."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(fill(template_name, **values))
