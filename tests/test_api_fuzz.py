"""A bounded property-based fuzz of every API operation (schemathesis), as a signed-in tenant
against the running test server: no answer is a 5xx, and every answer matches the schema.

What the fuzz writes never reaches the cloud. Writes only queue Operations (202): no Celery
worker runs here, so their tasks wait in this test session's own queue, which the test purges
at its end; their rows go with the test's database, and signing out revokes the token they
hold. The only cloud calls are the sign-in and sign-out, and Nova's live reads (console,
logs), which are asked of random server ids and so answer 404 before calling Nova. The
throwaway account's project is deleted after the module.

Each operation gets FUZZ_EXAMPLES generated requests; path ids are those of mirror rows seeded
in the tenant's project, so updates and actions reach their forms instead of a 404. One test
runs them all: the live server's database is emptied after each test, and with it the session.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dashboard.celery import app
from dashboard.operations import credentials
from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from instances.factories import KeyPairFactory, ServerFactory
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    PortForwardingFactory,
    RouterFactory,
    SecurityGroupFactory,
    SecurityGroupRuleFactory,
    SubnetFactory,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.cloud, pytest.mark.shared_account]

# About a minute and a half for all of the schema's ~100 operations on a 2-core machine.
FUZZ_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Reads that call Nova live: left with random ids (a 404 before any cloud call).
LIVE_READS = re.compile(r"/(console|console-log|action-log)/$")


@pytest.fixture
def tenant_session(
    live_server: Any, account: KeystoneAccount, transactional_db: None
) -> Iterator[requests.Session]:
    """A browser-like session signed in as the throwaway tenant, sending the CSRF header."""
    session = requests.Session()
    session.get(f"{live_server.url}/auth/login/", timeout=30)
    signed_in = session.post(
        f"{live_server.url}/auth/login/",
        data={**account.credentials(), "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=60,
    )
    assert signed_in.status_code == 302, signed_in.text
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    yield session
    for operation_id in Operation.objects.values_list("id", flat=True):
        credentials.token_forget(operation_id=operation_id)
    app.control.purge()  # this session's test queue only (dashboard.testing.celery)
    session.post(f"{live_server.url}/auth/logout/", timeout=60)


@pytest.fixture
def seeded_ids(account: KeystoneAccount, transactional_db: None) -> dict[str, str]:
    """One mirror row of each resource in the tenant's project: path prefix -> its id."""
    project_id = account.project.id
    network = NetworkFactory(project_id=project_id)
    router = RouterFactory(project_id=project_id)
    group = SecurityGroupFactory(project_id=project_id)
    floating_ip = FloatingIPFactory(project_id=project_id)
    rows = {
        "/api/networks/": network,
        "/api/subnets/": SubnetFactory(project_id=project_id, network=network),
        "/api/ports/": PortFactory(project_id=project_id, network=network),
        "/api/routers/": router,
        "/api/security-groups/": group,
        "/api/security-group-rules/": SecurityGroupRuleFactory(
            project_id=project_id, security_group=group
        ),
        "/api/floating-ips/": floating_ip,
        "/api/port-forwardings/": PortForwardingFactory(project_id=project_id),
        "/api/servers/": ServerFactory(project_id=project_id),
        "/api/keypairs/": KeyPairFactory(user_id=account.user_id),
    }
    return {prefix: str(row.pk) for prefix, row in rows.items()}


def served_schema() -> dict[str, Any]:
    """The schema exactly as /api/schema/ serves it (built and rendered the same way)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    parsed: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(document))
    return parsed


def test_no_answer_is_a_server_error_or_breaks_the_schema(
    live_server: Any, tenant_session: requests.Session, seeded_ids: dict[str, str]
) -> None:
    """Every operation of the schema in turn, in one signed-in session; the failures of all
    operations are reported together."""
    failures = []
    schema = schemathesis.openapi.from_dict(served_schema())
    # The session cookie is the signed-in one: not a parameter to fuzz.
    schema.config.generation.update(with_security_parameters=False)
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode)))
        def answers_well(case: Any) -> None:
            if "id" in (case.path_parameters or {}) and not LIVE_READS.search(case.path):
                prefix = next((p for p in seeded_ids if case.path.startswith(p)), None)
                if prefix is not None:
                    case.path_parameters["id"] = seeded_ids[prefix]
            case.call_and_validate(base_url=live_server.url, session=tenant_session, checks=CHECKS)

        try:
            answers_well()
        except (Exception, FailureGroup) as exc:  # one operation's failures; the rest still run
            failures.append(f"{operation.method.upper()} {operation.path}:\n{exc}")
    assert not failures, "\n\n".join(failures)
