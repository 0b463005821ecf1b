"""How the dashboard uses its database."""

import pytest
from django.db import connection

from tenants.models import Project

pytestmark = pytest.mark.django_db


def test_postgresql_prepares_a_query_run_five_times_and_plans_it_once() -> None:
    """Server-side binding, and prepared statements (`DATABASE_PREPARED_STATEMENTS`): psycopg
    prepares a query on its fifth run on a connection, and PostgreSQL keeps its plan."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server-side prepared statements")
    for _ in range(6):
        list(Project.objects.filter(project_id="prepared-statement-test"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared%tenants_project%"],
        )
        [(prepared,)] = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "tenants_project"%'],
        )
        [(projects,)] = cursor.fetchall()

    assert prepared == 0  # the parameter is bound, not written into the statement
    assert projects >= 1
