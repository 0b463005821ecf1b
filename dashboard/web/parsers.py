"""Request parsers of the API (settings.REST_FRAMEWORK), apart from the views: DRF imports them
while it defines its own view classes."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    """JSON bodies, which must be an object: every write takes named fields."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            kind = {list: _("an array"), str: _("a string"), type(None): "null"}.get(
                type(data), _("a single value")
            )
            raise ParseError(
                _(
                    "The body is %(kind)s; send a JSON object of named fields, as "
                    '{"name": "web"}. The schema at /api/schema/ lists each write\'s fields.'
                )
                % {"kind": kind}
            )
        return data
