"""Texts kept now and read later, each time in the reader's language.

Most text is translated where it is shown (`gettext` in views and forms, `{% translate %}` in
templates). A text that is stored and read later, by someone who may read another language (an
Operation's description and its failure), is kept as a `Message`: the English msgid, marked for
the catalog with `gettext_noop` (or `ngettext_noop` for plurals), and its parameters. `str()`
renders it in the language active when it is read. Parameters are kept as given: object names,
ids and OpenStack's own error text are never translated; a parameter that is itself a Message is
rendered in the same language.

    Message(gettext_noop("Create router “%(name)s”"), {"name": name})
    Message.plural(ngettext_noop("Delete %(count)s port", "Delete %(count)s ports"), count=n)
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Self

from django.utils.translation import gettext, gettext_noop, ngettext

__all__ = ["Message", "gettext_noop", "ngettext_noop"]

type Param = str | int | float | Message | None


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for the catalog without translating it (like `gettext_noop`);
    `makemessages` (dashboard/web/management/commands/makemessages.py) extracts both forms."""
    return singular, plural


@dataclass(frozen=True)
class Message:
    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    # The plural msgid; its form is chosen by params["count"].
    msgid_plural: str = ""
    # Rendered inside another sentence: its first letter in lower case (see `lowered`).
    lower_first: bool = False

    @classmethod
    def plural(cls, forms: tuple[str, str], /, *, count: int, **params: Param) -> Self:
        return cls(forms[0], {"count": count, **params}, msgid_plural=forms[1])

    @classmethod
    def of(cls, text: "Message | str") -> "Message":
        """`text` as a Message: a plain string becomes the msgid of one without parameters
        (shown in the catalog's language when it is one of its msgids, else as it is)."""
        return cls(text) if isinstance(text, str) else text

    def lowered(self) -> Self:
        """This message inside another sentence, its first letter in lower case: an operation's
        description "Create network “x”" in "Could not create network “x”: …" (a language
        without letter case reads it unchanged)."""
        return replace(self, lower_first=True)

    def __str__(self) -> str:
        text = self._rendered()
        return text[:1].lower() + text[1:] if self.lower_first else text

    def _rendered(self) -> str:
        if self.msgid_plural:
            count = self.params["count"]
            text = ngettext(self.msgid, self.msgid_plural, count if isinstance(count, int) else 0)
        else:
            text = gettext(self.msgid) if self.msgid else ""
        if not self.params:
            return text
        return text % {
            key: str(value) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }

    def as_json(self) -> dict[str, Any]:
        """What a JSONField keeps; `from_json` reads it back."""
        data: dict[str, Any] = {"msgid": self.msgid}
        if self.params:
            data["params"] = {
                key: value.as_json() if isinstance(value, Message) else value
                for key, value in self.params.items()
            }
        if self.msgid_plural:
            data["msgid_plural"] = self.msgid_plural
        if self.lower_first:
            data["lower_first"] = True
        return data

    @classmethod
    def from_json(cls, data: "Mapping[str, Any] | str") -> "Message":
        """A Message from `as_json()`; a plain string (text kept before messages were) is kept
        as it is, and shown in the catalog's language when it is one of its msgids."""
        if isinstance(data, str):
            return cls(data)
        params = {
            key: cls.from_json(value) if isinstance(value, Mapping) else value
            for key, value in data.get("params", {}).items()
        }
        return cls(
            data["msgid"],
            params,
            msgid_plural=data.get("msgid_plural", ""),
            lower_first=data.get("lower_first", False),
        )


# Django's own texts that its zh_Hans catalog does not have yet (new in Django 6.1); ours, which
# comes first, translates them (makemessages extracts them from here).
DJANGO_TEXTS_MISSING_IN_ITS_CATALOG = (gettext_noop("- Select an option -"),)
