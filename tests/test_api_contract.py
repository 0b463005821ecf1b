"""The API's contract: a valid OpenAPI schema built without a session, its reference page
(Swagger UI, CSP-clean), bounded page sizes, and bounded operations."""

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from drf_spectacular.checks import schema_check

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import OperationRefused, operation_start
from dashboard.web.api import Pagination
from instances.reconcile import keypair_id
from instances.services.keypairs import keypair_create


def schema_file(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema: dict[str, Any] = yaml.safe_load(path.read_text())
    return schema


def test_the_schema_is_valid_and_describes_each_writes_body_and_answers(tmp_path: Path) -> None:
    schema = schema_file(tmp_path)

    create = schema["paths"]["/api/networks/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    network = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
    rename = schema["paths"]["/api/servers/{id}/rename/"]["post"]
    assert schema["openapi"].startswith("3.")
    assert network["properties"]["name"] == {"type": "string", "maxLength": 255}
    assert network["additionalProperties"] is False
    assert create["responses"]["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Operation"
    }
    assert set(rename["responses"]) >= {"202", "400", "403", "404", "409"}
    assert schema["components"]["schemas"]["Error"]["properties"] == {"detail": {"type": "string"}}


@pytest.mark.django_db
def test_the_schema_is_served_without_a_session(client: Client) -> None:
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "Self-service dashboard API"


def test_the_deployment_checks_build_the_schema_without_a_problem() -> None:
    """`manage.py check --deploy` runs drf-spectacular's check: it failed on the views."""
    assert schema_check(None) == []


@pytest.mark.django_db
def test_the_reference_page_runs_only_scripts_from_files(client: Client) -> None:
    page = client.get("/api/docs/")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.content.decode(), re.DOTALL)
    sources = [re.search(r'src="([^"]+)"', attributes) for attributes, _body in scripts]
    start = client.get("/api/docs/?script=")

    assert page.status_code == 200
    assert scripts
    assert all(not body.strip() for _attributes, body in scripts)
    assert all(match and match.group(1).startswith("/") for match in sources)
    assert any("drf_spectacular_sidecar/swagger-ui-dist" in m.group(1) for m in sources if m)
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in start.content.decode()


@pytest.mark.parametrize(("asked", "given"), [("-1", 50), ("0", 50), ("abc", 50), ("9999", 500)])
def test_api_page_sizes_are_bounded(rf: Any, asked: str, given: int) -> None:
    from rest_framework.request import Request

    request = Request(rf.get("/api/networks/", {"page_size": asked}))

    assert Pagination().get_page_size(request) == given


def actor(project_id: str = "p1") -> SimpleNamespace:
    return SimpleNamespace(
        user_id="u" * 32,
        user_name="alice",
        project_id=project_id,
        token="not-a-token",
        expires_at=timezone.now(),
    )


def keypair_import(*, user_id: str, name: str, public_key: str) -> OperationRequest:
    """The request of a key pair import, as the key pair forms make it."""
    return OperationRequest(
        service=keypair_create,
        description=Message(gettext_noop("Import key pair “%(name)s”"), {"name": name}),
        target_type="keypair",
        target_id=keypair_id(user_id=user_id, name=name),
        target_name=name,
        params={"name": name, "public_key": public_key},
    )


@pytest.mark.django_db
def test_an_operation_on_a_key_pair_with_the_longest_name_fits_its_columns() -> None:
    """A key pair's id is "<user id>:<name>": a 40-character name overflowed `target_id`."""
    request = keypair_import(user_id="u" * 64, name="k" * 255, public_key="ssh-ed25519 AAAA")
    operation = operation_start(actor=actor(), request=request)
    operation.result_id = operation.target_id

    operation.full_clean()  # max_length as PostgreSQL enforces it (SQLite does not)


@pytest.mark.django_db
def test_an_operation_whose_params_are_too_large_is_refused_saying_so(settings: Any) -> None:
    settings.OPERATION_MAX_PARAMS_BYTES = 1024

    with pytest.raises(OperationRefused, match="2 KiB of values, more than the 1 KiB"):
        operation_start(
            actor=actor(),
            request=keypair_import(user_id="u1", name="big", public_key="x" * 2048),
        )
    assert not Operation.objects.exists()


@pytest.mark.django_db
def test_an_api_address_nothing_answers_at_is_a_json_404(client: Client) -> None:
    api = client.get("/api/networks/a.b/c/")
    page = client.get("/no-such-page/")

    assert api.status_code == 404
    assert api.json() == {
        "detail": "Nothing answers at this address: see the paths in /api/schema/."
    }
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_every_400_has_the_one_error_shape() -> None:
    """A filterset's or serializer's errors ({"field": ["..."]}) answer as a form's do."""
    from rest_framework.exceptions import ValidationError

    from dashboard.web.api import exception_handler

    def answer(detail: Any) -> Any:
        response = exception_handler(ValidationError(detail), {})
        assert response is not None
        return response.data

    assert answer({"floating_network": ["Select one."]}) == {
        "floating_network": [{"message": "Select one.", "code": "invalid"}]
    }
    assert answer({"nics": {0: ["Not a string."]}}) == {
        "nics": [{"message": "Not a string.", "code": "invalid"}]
    }
    assert answer({"detail": "Already running."}) == {"detail": "Already running."}
