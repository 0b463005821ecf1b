"""The zh_Hans catalogs are complete and match the code: no untranslated and no fuzzy entry, the
placeholders of every translation are its msgid's (msgfmt --check-format agrees), and the
project's `makemessages` (dashboard/web/management/commands/makemessages.py) run into a copy of
the catalogs would change no entry. Fast, no cloud."""

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGE = "zh_Hans"
DOMAINS = ["django", "djangojs"]
# `%(name)s`, `%s`, `%d` … and `%%`: what Python's and interpolate()'s formatting read.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgxXr%]")
FIX = (
    "Run `.venv/bin/python manage.py makemessages` (and `manage.py makemessages -d djangojs`), "
    "translate every empty msgstr, check and unflag every `#, fuzzy` entry in "
    "locale/zh_Hans/LC_MESSAGES/, then `manage.py compilemessages -l zh_Hans --ignore .venv`."
)


def catalog_path(domain: str, locale: Path = LOCALE) -> Path:
    return locale / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def committed(domain: str) -> polib.POFile | None:
    path = catalog_path(domain)
    return polib.pofile(str(path)) if path.exists() else None


def entry_name(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r}"


def translations(entry: polib.POEntry) -> Iterator[tuple[str, str]]:
    """(msgid, its translation) for each form: plural forms all follow the plural msgid."""
    if entry.msgid_plural:
        for index, text in sorted(entry.msgstr_plural.items()):
            yield (
                (
                    entry.msgid
                    if int(index) == 0 and len(entry.msgstr_plural) > 1
                    else entry.msgid_plural
                ),
                text,
            )
    else:
        yield entry.msgid, entry.msgstr


@pytest.fixture(params=DOMAINS)
def catalog(request: pytest.FixtureRequest) -> polib.POFile:
    found = committed(request.param)
    if found is None:
        pytest.skip(
            f"no {request.param}.po: test_the_catalogs_match_the_code checks no text needs one"
        )
    return found


def test_every_entry_is_translated_and_none_is_fuzzy(catalog: polib.POFile) -> None:
    untranslated = [entry_name(e) for e in catalog.untranslated_entries() if not e.obsolete]
    fuzzy = [entry_name(e) for e in catalog.fuzzy_entries()]
    if catalog.metadata_is_fuzzy:  # a new catalog's header: its charset and plural forms
        fuzzy.insert(0, "the header")

    listed = [f"untranslated: {name}" for name in untranslated] + [
        f"fuzzy: {name}" for name in fuzzy
    ]
    assert not listed, f"{catalog.fpath}: {FIX}\n  " + "\n  ".join(listed)


def test_every_translation_keeps_its_placeholders(catalog: polib.POFile) -> None:
    check = subprocess.run(
        ["msgfmt", "--check-format", "--output-file=/dev/null", catalog.fpath],
        capture_output=True,
        text=True,
        check=False,
    )
    wrong = [
        f"{entry_name(entry)}: {sorted(PLACEHOLDER.findall(msgid))} in English, "
        f"{sorted(PLACEHOLDER.findall(text))} in {text!r}"
        for entry in catalog
        if not entry.obsolete
        for msgid, text in translations(entry)
        if text and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]

    if check.returncode:
        wrong.append(f"msgfmt --check-format: {check.stderr.strip()}")
    assert not wrong, (
        f"{catalog.fpath}: placeholders differ from the msgid's (keep every %(name)s exactly).\n"
        "  " + "\n  ".join(wrong)
    )


def _keys(catalog: polib.POFile | None) -> dict[tuple[str, str, str], polib.POEntry]:
    if catalog is None:
        return {}
    return {
        (entry.msgctxt or "", entry.msgid, entry.msgid_plural or ""): entry
        for entry in catalog
        if not entry.obsolete
    }


# What a copy of the project needs for makemessages: everything but the heavy or generated
# directories (makemessages ignores those anyway, dashboard/web/management/commands/).
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".devcloud", "node_modules", "var", "staticfiles", "__pycache__", "*.mo"
)


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's files in a temporary directory, where makemessages may write."""
    copy = tmp_path_factory.mktemp("catalog") / "project"
    shutil.copytree(settings.BASE_DIR, copy, ignore=NOT_COPIED, symlinks=True)
    return copy


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogs_match_the_code(domain: str, project_copy: Path) -> None:
    """`makemessages` run in a copy of the project would add, drop or re-flag no entry."""
    before = committed(domain)
    copy = project_copy / "locale"
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-d", domain, "-v", "0"],
        cwd=project_copy,
        check=True,
        capture_output=True,
    )

    after_path = catalog_path(domain, copy)
    after = polib.pofile(str(after_path)) if after_path.exists() else None
    old, new = _keys(before), _keys(after)
    missing = [entry_name(new[key]) for key in new.keys() - old.keys()]
    gone = [entry_name(old[key]) for key in old.keys() - new.keys()]
    refuzzed = [
        entry_name(entry)
        for key, entry in new.items()
        if key in old and entry.fuzzy and not old[key].fuzzy
    ]
    sections = {
        "Not in the catalog": missing,
        "No longer in the code": gone,
        "Made fuzzy by makemessages": refuzzed,
    }
    listed = "".join(
        f"\n{title}:\n  " + "\n  ".join(names) for title, names in sections.items() if names
    )
    assert not listed, (
        f"locale/{LANGUAGE}/LC_MESSAGES/{domain}.po does not match the code. {FIX}{listed}"
    )
