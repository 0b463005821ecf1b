"""The rows rendered in Python (`dashboard.web.table_rows`) are django-tables2's own, also for
what no list of the dashboard uses yet: choices, localized values, attributes computed per cell,
link columns with fixed text, accessors that find nothing, dict rows and an empty table.
(Every list page is compared the same way in `ResourceViewTests`.)"""

from datetime import UTC, datetime
from typing import Any

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2.utils import Accessor

from dashboard.testing.pages import table_head, table_rows
from dashboard.web.table_rows import resolve
from tenants.models import Quota

STOCK = "django_tables2/bootstrap5.html"
OURS = "web/table.html"


class QuotaTable(tables.Table):
    service = tables.Column()  # a choice: tables2 shows get_service_display()
    resource = tables.Column(attrs={"td": {"data-resource": lambda record: record.resource}})
    limit = tables.Column(localize=True)
    in_use = tables.Column(localize=False, attrs={"td": {"class": "text-end"}})
    missing = tables.Column(accessor="no__such__attribute", default="—")
    link = tables.LinkColumn("tenants:admin_quotas", text="all quotas", empty_values=())
    synced_at = tables.DateTimeColumn()
    near = tables.Column(accessor="limit", verbose_name="Near the limit", empty_values=())
    note = tables.Column(empty_values=())

    def render_near(self, value: int, record: Quota) -> SafeString:
        return format_html("<b>{}</b>", record.in_use >= value)

    def render_note(self, **everything: Any) -> str:
        return f"<{everything['record'].resource}> & {sorted(everything)}"

    class Meta:
        model = Quota
        attrs = {"class": "table"}
        row_attrs = {"data-id": lambda record: record.pk, "class": "quota"}


class DictTable(tables.Table):
    name = tables.Column()
    size = tables.Column(localize=True, default="?")

    class Meta:
        empty_text = "Nothing <here>"
        row_attrs = {"id": lambda record: f"row-{record['name']}"}


def quotas() -> list[Quota]:
    synced = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    return [
        Quota(
            id=f"p:{service}:{resource}",
            project_id="p",
            service=service,
            resource=resource,
            limit=limit,
            in_use=in_use,
            synced_at=synced,
        )
        for service, resource, limit, in_use in [
            ("compute", "cores", 20000, 3),
            ("network", "floatingip", -1, 1234567),
            ("compute", "ram", 51200, 51200),
        ]
    ]


def test_model_rows_with_every_kind_of_cell(settings: Any) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    request = RequestFactory().get("/")
    table = QuotaTable(quotas(), request=request)

    ours = table_rows(table, OURS, request)

    assert ours == table_rows(table, STOCK, request)
    assert ours.count("<tr ") == 3
    assert "Compute" in ours
    assert 'data-resource="floatingip"' in ours
    assert "20,000" in ours
    assert "1234567" in ours
    assert "&lt;cores&gt; &amp; [" in ours


class ModellessTable(tables.Table):
    """No Meta.model: tables2 still shows a choice's display for model instances."""

    service = tables.Column()
    resource = tables.Column()


def test_a_table_without_a_model_over_model_instances() -> None:
    request = RequestFactory().get("/")
    table = ModellessTable(quotas(), request=request)

    ours = table_rows(table, OURS, request)

    assert ours == table_rows(table, STOCK, request)
    assert "Network" in ours


def test_dict_rows_a_paginated_page_and_an_empty_table() -> None:
    request = RequestFactory().get("/")
    rows = [{"name": f"n{number}", "size": number * 1000 or None} for number in range(30)]
    paged = DictTable(rows, request=request)
    paged.paginate(page=2, per_page=10)
    empty = DictTable([], request=request)

    for table in (paged, empty):
        assert table_rows(table, OURS, request) == table_rows(table, STOCK, request)
    assert 'id="row-n10"' in table_rows(paged, OURS, request)
    assert "Nothing &lt;here&gt;" in table_rows(empty, OURS, request)


class LinkTable(tables.Table):
    """Links tables2 makes by reversing a view name: to a `<uuid:pk>` and a `<str:pk>` URL, with
    fixed and with computed `<a>` attributes."""

    server = tables.Column(
        accessor="name", linkify=("instances:server_detail", {"pk": tables.A("server_id")})
    )
    network = tables.Column(
        accessor="name",
        linkify=("networks:network_detail", {"pk": tables.A("network_id")}),
        attrs={"a": {"class": "fw-bold", "title": "Network <details>"}},
    )
    computed = tables.Column(
        accessor="name",
        linkify=("networks:network_detail", {"pk": tables.A("network_id")}),
        attrs={"a": {"data-name": lambda record: record["name"]}},
    )


def test_links_reversed_once_are_tables2s_own_also_for_arguments_that_need_quoting() -> None:
    request = RequestFactory().get("/")
    web, db = "6f1c1b4e-2d7a-4a57-9a53-0c6f6e3b9a10", "0d6c0a35-83a4-4f0e-b0c5-5f4c3fb4d0d2"
    rows = [
        {"name": "web <1>", "server_id": web, "network_id": "n1"},
        {"name": "db", "server_id": db, "network_id": "a b&c"},
    ]
    table = LinkTable(rows, request=request)

    ours = table_rows(table, OURS, request)

    assert ours == table_rows(table, STOCK, request)
    assert f'href="/compute/instances/{web}/"' in ours
    assert 'class="fw-bold" title="Network &lt;details&gt;" href="/network/networks/n1/"' in ours
    assert "/network/networks/a%20b&amp;c/" in ours  # quoted by reverse(), as tables2 does


class HeadTable(tables.Table):
    """Header cells of every kind: a checkbox, sortable and fixed columns, computed and fixed
    `<th>` attributes, a header that needs escaping."""

    pk = tables.CheckBoxColumn(accessor="pk", attrs={"th__input": {"aria-label": "Select all"}})
    resource = tables.Column(verbose_name="Resource <name>", attrs={"th": {"class": "wide"}})
    limit = tables.Column(
        orderable=False, attrs={"th": {"data-kind": lambda table: type(table).__name__}}
    )
    in_use = tables.Column(verbose_name="In use")

    class Meta:
        model = Quota


def test_the_header_is_tables2s_own_with_the_query_string_and_order() -> None:
    request = RequestFactory().get("/", {"q": "a b&c", "service": ["compute", "network"]})
    table = HeadTable(quotas(), request=request, order_by="-in_use")

    ours = table_head(table, OURS, request)

    assert ours == table_head(table, STOCK, request)
    assert "Resource &lt;name&gt;" in ours
    assert 'data-kind="HeadTable"' in ours
    assert "q=a+b%26c&amp;service=compute&amp;service=network&amp;sort=in_use" in ours


def test_resolve_finds_what_tables2s_accessor_finds() -> None:
    record = quotas()[0]

    for path in ("resource", "get_service_display", "resource__upper", "pk", "synced_at__year"):
        assert resolve(Accessor(path), record) == Accessor(path).resolve(record), path
    assert resolve(Accessor("name"), {"name": "a dict"}) == "a dict"
    for refused in ("delete", "no__such__attribute"):  # delete alters data: never called
        with pytest.raises((ValueError, AttributeError)):
            Accessor(refused).resolve(record)
        with pytest.raises((ValueError, AttributeError)):
            resolve(Accessor(refused), record)
