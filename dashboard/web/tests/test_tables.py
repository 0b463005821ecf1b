"""The tables' shared columns (`dashboard.web.tables.SharedColumns`)."""

from django.test import RequestFactory

from instances.models import Server
from instances.tables.servers import ServerTable
from tenants.tables.quotas import ProjectQuotaTable


def test_tables_of_a_class_share_its_columns_but_not_their_own_list() -> None:
    request = RequestFactory().get("/")
    first = ServerTable(Server.objects.none(), project_id="p", request=request)
    second = ServerTable(Server.objects.none(), project_id="p", request=request, exclude=("pk",))

    assert first.columns["name"].column is second.columns["name"].column
    assert first.columns["name"].column is ServerTable.base_columns["name"]
    assert "pk" in first.columns.names()
    assert "pk" not in second.columns.names()
    assert "pk" in ServerTable.base_columns


def test_the_quota_tables_usage_columns_are_made_once() -> None:
    first, second = ProjectQuotaTable([]), ProjectQuotaTable([])

    assert first.columns["compute_cores"].column is second.columns["compute_cores"].column
    # Extra columns stay the table's own.
    assert "compute_cores" not in ProjectQuotaTable.base_columns
