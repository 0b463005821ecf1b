"""The administrators' table of every project's usage against its limits."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import django_tables2 as tables
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from dashboard.web.html import escaped, format_html
from dashboard.web.table_rows import row_url
from dashboard.web.tables import SharedColumnsMixin
from tenants.resources import MAIN_RESOURCES, QuotaResource
from tenants.selectors.quotas import (
    QuotaUsage,
    highest_use,
    quota_resource_usage,
    usage_level,
)


@dataclass(frozen=True)
class UsageWords:
    """A usage cell's words in a language, escaped for HTML once per resource and language (the
    quota table has 14 cells a row)."""

    not_synced: str
    unlimited: str
    in_use: str  # the bar's label, "%(label)s: %(percent)s %% of the limit in use"
    label: str  # the resource's

    @classmethod
    def of(cls, resource: QuotaResource, language: str) -> "UsageWords":
        with override(language):
            return cls(
                not_synced=escaped(_("not synced")),
                unlimited=escaped(_("unlimited")),
                # Escaped before it is filled in: its placeholders are plain text, its values
                # the escaped label and a number.
                in_use=escaped(_("%(label)s: %(percent)s %% of the limit in use")),
                label=escaped(resource.label),
            )


def usage_cell(usage: QuotaUsage, words: UsageWords) -> SafeString:
    """ "used / limit" over a thin bar coloured by how full the quota is. Written as an f-string:
    its values are numbers, a level's name and `words`, escaped already."""
    if usage.limit is None:
        return SafeString(f'<span class="text-body-secondary">{words.not_synced}</span>')
    if usage.unlimited:
        return SafeString(
            f'{usage.in_use} / <span class="text-body-secondary">{words.unlimited}</span>'
        )
    label = words.in_use % {"label": words.label, "percent": usage.percent}
    bar = usage.bar_percent
    return SafeString(
        f'<span class="text-nowrap">{usage.in_use} / {usage.limit}</span>'
        f'<div class="progress usage-bar-thin" role="progressbar" aria-label="{label}" '
        f'aria-valuenow="{bar}" aria-valuemin="0" aria-valuemax="100">'
        '<svg class="usage-fill" aria-hidden="true">'
        f'<rect class="usage-fill-{usage.level}" width="{bar}%" height="100%"/></svg></div>'
    )


class UsageColumn(tables.Column):
    """One resource's use against its limit; sorts by the amount in use."""

    def __init__(self, resource: QuotaResource, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", resource.label)
        kwargs.setdefault("accessor", f"{resource.key}_used")
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)
        self.resource = resource
        # The words by language (a resource's hash reads its lazy label: not a key per cell).
        self.words: dict[str, UsageWords] = {}

    def render(self, record: dict[str, Any]) -> SafeString:
        language = get_language()
        words = self.words.get(language)
        if words is None:
            words = self.words[language] = UsageWords.of(self.resource, language)
        return usage_cell(quota_resource_usage(row=record, resource=self.resource), words)


# The usage columns, made once: tables share their columns (`SharedColumns`).
USAGE_COLUMNS = tuple((resource.key, UsageColumn(resource)) for resource in MAIN_RESOURCES)


class ProjectQuotaTable(SharedColumnsMixin, tables.Table):
    """A row per project (dicts of `all_projects_quota_list`), its name linking to its edit."""

    project_name = tables.Column(verbose_name=gettext_lazy("Project"))
    highest_use = tables.Column(verbose_name=gettext_lazy("Highest use"), empty_values=())
    edit = tables.Column(empty_values=(), orderable=False, verbose_name="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, extra_columns=USAGE_COLUMNS, **kwargs)

    def render_project_name(self, record: dict[str, Any]) -> SafeString:
        url = row_url("tenants:admin_quota_edit", project_id=record["project_id"])
        return format_html('<a href="{}">{}</a>', url, record["project_name"])

    def render_highest_use(self, record: dict[str, Any]) -> SafeString:
        value = highest_use(record)
        return format_html('<span class="badge text-bg-{}">{} %</span>', usage_level(value), value)

    def render_edit(self, record: dict[str, Any]) -> SafeString:
        url = row_url("tenants:admin_quota_edit", project_id=record["project_id"])
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}" aria-label="{}">{}</a>',
            url,
            self._edit_words[0] % {"name": record["project_name"]},
            self._edit_words[1],
        )

    @cached_property
    def _edit_words(self) -> tuple[str, str]:
        """The edit button's label and text, translated once per page."""
        return _("Edit the quotas of %(name)s"), _("Edit")

    class Meta:
        attrs = {"class": "table table-sm align-middle"}
        empty_text = gettext_lazy(
            "No project's quotas are mirrored yet; they appear after the next sync."
        )
        row_attrs = {"id": lambda record: f"project-{record['project_id']}"}
        sequence = ("project_name", "...", "highest_use", "edit")
