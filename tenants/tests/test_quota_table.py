"""The admin quota table's usage cells (`tenants.tables.quotas.usage_cell`)."""

from decimal import Decimal

from django.utils.html import format_html

from tenants.resources import QuotaResource
from tenants.selectors.quotas import QuotaUsage
from tenants.tables.quotas import UsageWords, usage_cell

ODD = QuotaResource(service="compute", resource="odd", label='RAM <MiB> & "more"', noun="x")


def test_a_cell_is_what_format_html_writes_with_its_words_escaped_once() -> None:
    words = UsageWords.of(ODD, "en")
    usage = QuotaUsage(resource=ODD, limit=2048, in_use=Decimal(1536))

    cell = usage_cell(usage, words)

    assert cell == format_html(
        '<span class="text-nowrap">{} / {}</span>'
        '<div class="progress usage-bar-thin" role="progressbar" aria-label="{}" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        '<svg class="usage-fill" aria-hidden="true">'
        '<rect class="usage-fill-{}" width="{}%" height="100%"/></svg></div>',
        1536,
        2048,
        'RAM <MiB> & "more": 75 % of the limit in use',
        75,
        usage.level,
        75,
    )
    assert "RAM &lt;MiB&gt; &amp; &quot;more&quot;: 75 % of the limit in use" in cell


def test_unlimited_and_not_synced_cells_in_chinese() -> None:
    words = UsageWords.of(ODD, "zh-hans")

    unlimited = usage_cell(QuotaUsage(resource=ODD, limit=-1, in_use=3), words)
    not_synced = usage_cell(QuotaUsage(resource=ODD, limit=None, in_use=0), words)

    assert unlimited == '3 / <span class="text-body-secondary">不限</span>'
    assert not_synced == '<span class="text-body-secondary">未同步</span>'
