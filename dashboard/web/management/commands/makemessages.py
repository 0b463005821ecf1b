"""Django's makemessages with this project's settings, so everyone (and the catalog check) runs
the same extraction: `manage.py makemessages` updates the zh_Hans catalog from the project's own
code (not tests, benches, the local cloud or vendored files), extracts `ngettext_noop` plurals
(dashboard/i18n.py), never guesses fuzzy translations, and writes file-only locations, so a line
moving does not change the catalog. `-d djangojs` does the same for static/js."""

from typing import Any

from django.core.management.commands import makemessages

IGNORED = [
    ".*",
    "venv",
    "node_modules",
    "bench",
    "devcloud",
    "docker",
    "scripts",
    "staticfiles",
    "var",
    "tests",
    "conftest.py",
    "static/vendor",
]


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]
    # A new msgid starts untranslated rather than with a guessed, "fuzzy" neighbour's translation.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options.get("locale") or options.get("all") or options.get("exclude")):
            options["locale"] = ["zh_Hans"]
        if options.get("add_location") is None:
            options["add_location"] = "file"
        options["ignore_patterns"] = [*(options.get("ignore_patterns") or []), *IGNORED]
        options["no_obsolete"] = True
        super().handle(*args, **options)
