"""The administrators' table of every project's usage against its limits."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard.web.html import format_html
from tenants.resources import MAIN_RESOURCES, QuotaResource
from tenants.selectors.quotas import (
    QuotaUsage,
    highest_use,
    quota_resource_usage,
    usage_level,
)


def usage_cell(usage: QuotaUsage) -> SafeString:
    """ "used / limit" over a thin bar coloured by how full the quota is."""
    if usage.limit is None:
        return format_html('<span class="text-body-secondary">{}</span>', _("not synced"))
    if usage.unlimited:
        return format_html(
            '{} / <span class="text-body-secondary">{}</span>', usage.in_use, _("unlimited")
        )
    in_use_label = _("%(label)s: %(percent)s %% of the limit in use") % {
        "label": usage.resource.label,
        "percent": usage.percent,
    }
    return format_html(
        '<span class="text-nowrap">{} / {}</span>'
        '<div class="progress usage-bar-thin" role="progressbar" aria-label="{}" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        '<svg class="usage-fill" aria-hidden="true">'
        '<rect class="usage-fill-{}" width="{}%" height="100%"/></svg></div>',
        usage.in_use,
        usage.limit,
        in_use_label,
        usage.bar_percent,
        usage.level,
        usage.bar_percent,
    )


class UsageColumn(tables.Column):
    """One resource's use against its limit; sorts by the amount in use."""

    def __init__(self, resource: QuotaResource, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", resource.label)
        kwargs.setdefault("accessor", f"{resource.key}_used")
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)
        self.resource = resource

    def render(self, record: dict[str, Any]) -> SafeString:
        return usage_cell(quota_resource_usage(row=record, resource=self.resource))


class ProjectQuotaTable(tables.Table):
    """A row per project (dicts of `all_projects_quota_list`), its name linking to its edit."""

    project_name = tables.Column(verbose_name=gettext_lazy("Project"))
    highest_use = tables.Column(verbose_name=gettext_lazy("Highest use"), empty_values=())
    edit = tables.Column(empty_values=(), orderable=False, verbose_name="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        extra = [(r.key, UsageColumn(r)) for r in MAIN_RESOURCES]
        super().__init__(*args, extra_columns=extra, **kwargs)

    def render_project_name(self, record: dict[str, Any]) -> SafeString:
        url = reverse("tenants:admin_quota_edit", kwargs={"project_id": record["project_id"]})
        return format_html('<a href="{}">{}</a>', url, record["project_name"])

    def render_highest_use(self, record: dict[str, Any]) -> SafeString:
        value = highest_use(record)
        return format_html('<span class="badge text-bg-{}">{} %</span>', usage_level(value), value)

    def render_edit(self, record: dict[str, Any]) -> SafeString:
        url = reverse("tenants:admin_quota_edit", kwargs={"project_id": record["project_id"]})
        label = _("Edit the quotas of %(name)s") % {"name": record["project_name"]}
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}" aria-label="{}">{}</a>',
            url,
            label,
            _("Edit"),
        )

    class Meta:
        attrs = {"class": "table table-sm align-middle"}
        empty_text = gettext_lazy(
            "No project's quotas are mirrored yet; they appear after the next sync."
        )
        row_attrs = {"id": lambda record: f"project-{record['project_id']}"}
        sequence = ("project_name", "...", "highest_use", "edit")
