"""Finding English a person would read on a page or in an API answer meant for a Chinese reader.

`visible_texts(html)` gives what a person reads: text nodes (not script, style, code, pre,
textarea) and the title, placeholder, aria-label, alt, hx-confirm attributes and button values.
`english_runs(text, allowed=...)` finds runs of two or more English words in it, once the
allowed phrases (object names, OpenStack's own texts) are taken out and the allowed words
(brands, protocols, units) skipped. One English word alone (a status, "UTC") is not a sentence,
except when it is the whole of a label (a `Label`: a column heading, a button, a form label, a
heading, an attribute a screen reader reads): "Action" there is a label left in English.
"""

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

# Words that are the same in every language: brands, protocols, units, abbreviations.
ALLOWED_WORDS = frozenset(
    [
        "OpenStack",
        "Keystone",
        "Nova",
        "Neutron",
        "Glance",
        "Placement",
        "Horizon",
        "Skyline",
        "noVNC",
        "VNC",
        "Swagger",
        "OpenAPI",
        "IPv4",
        "IPv6",
        "IP",
        "IPs",
        "TCP",
        "UDP",
        "ICMP",
        "ICMPv6",
        "DHCP",
        "DHCPv6",
        "DNS",
        "SNAT",
        "NAT",
        "CIDR",
        "MAC",
        "MTU",
        "VLAN",
        "VXLAN",
        "SLAAC",
        "HTTP",
        "HTTPS",
        "URL",
        "API",
        "APIs",
        "REST",
        "JSON",
        "YAML",
        "SSH",
        "RSA",
        "ECDSA",
        "ED25519",
        "ID",
        "IDs",
        "UUID",
        "UTC",
        "RAM",
        "vCPU",
        "vCPUs",
        "GB",
        "MB",
        "KB",
        "TB",
        "GiB",
        "MiB",
        "KiB",
        "TiB",
        "B",
        "English",
    ]
)
# Elements whose text is not prose of ours: code, commands, files, key material, user input.
SKIPPED_ELEMENTS = frozenset({"script", "style", "pre", "code", "kbd", "samp", "textarea"})
# Elements that do not end a sentence: text around them reads as one line.
INLINE_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "em",
        "i",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "wbr",
        "br",
    }
)
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "hx-confirm")
# Elements whose whole text is a label: one English word there is already a leftover.
LABEL_ELEMENTS = frozenset(
    {
        "th",
        "button",
        "label",
        "legend",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "dt",
        "summary",
    }
)


class Label(str):
    """A text that is a whole label (see LABEL_ELEMENTS, READ_ATTRIBUTES)."""

    __slots__ = ()


VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
# A word, maybe quoted or followed by punctuation (curly quotes as \u201c \u2018 \u2019 \u201d).
OPENING = "(\"\u201c\u2018'\u00ab"
CLOSING = ")\"\u201d\u2019'\u00bb.,:;!?\u2026"
ENGLISH_WORD = re.compile(f"[{OPENING}]*([A-Za-z]+(?:['\u2019-][A-Za-z]+)*)[{CLOSING}]*")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.line: list[str] = []
        self.skipping: list[str] = []
        self.open: list[str] = []  # the block elements the text is in

    def _end_line(self) -> None:
        if text := " ".join("".join(self.line).split()):
            labelled = bool(self.open) and self.open[-1] in LABEL_ELEMENTS
            self.texts.append(Label(text) if labelled else text)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.texts.append(Label(values[name]))
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append(Label(values["value"]))
        if tag in VOID_ELEMENTS:
            if tag not in INLINE_ELEMENTS:
                self._end_line()
            return
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)
        if tag not in INLINE_ELEMENTS:
            self._end_line()
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        if tag not in INLINE_ELEMENTS:
            self._end_line()
            if tag in self.open:  # HTML lets some end tags be left out (</p>, </li>)
                while self.open.pop() != tag:
                    pass

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.line.append(data)


def visible_texts(html: str) -> list[str]:
    """The texts a person reads on the page, one per line of prose or attribute."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader._end_line()
    return reader.texts


def json_texts(body: Any) -> Iterator[str]:
    """Every string in a JSON answer."""
    if isinstance(body, str):
        yield body
    elif isinstance(body, dict):
        for value in body.values():
            yield from json_texts(value)
    elif isinstance(body, list):
        for value in body:
            yield from json_texts(value)


def english_runs(text: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """Runs of two or more English words in `text`, outside the `allowed` phrases."""
    shortest = 1 if isinstance(text, Label) and len(text.split()) == 1 else 2
    for phrase in sorted(allowed, key=len, reverse=True):
        if phrase:
            text = text.replace(phrase, " \0 ")
    runs: list[str] = []
    run: list[str] = []
    for token in [*text.split(), "\0"]:
        word = ENGLISH_WORD.fullmatch(token)
        if word and word.group(1) in ALLOWED_WORDS:
            continue  # neither English prose nor a break in it
        if word:
            run.append(token)
            continue
        if len(run) >= shortest:
            runs.append(" ".join(run))
        run = []
    return runs


def english_in(texts: Iterable[str], *, allowed: Iterable[str] = ()) -> list[str]:
    """The English runs found in `texts`, each once, in order."""
    allowed = tuple(allowed)
    found: dict[str, None] = {}
    for text in texts:
        for run in english_runs(text, allowed=allowed):
            found.setdefault(run, None)
    return list(found)
