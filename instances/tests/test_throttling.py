"""Per-user limits on key generation and on Nova's live reads (console link, console and action
logs): the API answers 429 with Retry-After, the pages say so in place of the result, and both
count against one limit per Keystone user."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from instances.factories import ServerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud]

HTMX = {"HX-Request": "true"}


@pytest.fixture
def low_rates(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"keypair_generate": "2/hour", "server_live": "2/minute"},
    }


def _generate(client: Client, name: str) -> Any:
    return client.post(
        "/api/keypairs/generate/",
        {"name": name, "key_type": "ed25519"},
        content_type="application/json",
    )


def test_key_generation_is_limited_per_user_in_the_api_and_the_form(
    signed_in: Client, make_account: Callable[..., KeystoneAccount], low_rates: None
) -> None:
    allowed = [_generate(signed_in, f"key-{n}").status_code for n in range(2)]
    refused_api = _generate(signed_in, "key-3")
    refused_form = signed_in.post(
        "/compute/key-pairs/create/", {"name": "key-4", "key_type": "rsa"}, headers=HTMX
    )
    someone_else = Client()
    someone_else.post("/auth/login/", make_account().credentials())

    assert allowed == [202, 202]
    assert refused_api.status_code == 429
    assert 3500 < int(refused_api["Retry-After"]) <= 3600
    form_page = refused_form.content.decode()
    assert refused_form.status_code == 200
    assert "You have generated key pairs too often (at most 2/hour). Try again in" in form_page
    assert "PRIVATE KEY" not in form_page
    assert Operation.objects.count() == 2
    assert _generate(someone_else, "key-1").status_code == 202


def test_live_reads_of_nova_are_limited_per_user_in_the_api_and_the_pages(
    signed_in: Client, account: KeystoneAccount, low_rates: None
) -> None:
    """The server is only in the mirror, so Nova answers the allowed reads with a real 404."""
    server = ServerFactory(project_id=account.project.id, name="web")
    base = f"/compute/instances/{server.id}"

    api_read = signed_in.post(f"/api/servers/{server.id}/console/")
    page_read = signed_in.get(f"{base}/console-log/", headers=HTMX).content.decode()
    refused_api = signed_in.get(f"/api/servers/{server.id}/action-log/")
    refused_box = signed_in.post(f"{base}/console/", headers=HTMX).content.decode()
    refused_download = signed_in.get(f"{base}/console-log/download/")

    assert api_read.status_code == 502
    assert "Could not read the console log of server “web”" in page_read
    assert refused_api.status_code == 429
    assert int(refused_api["Retry-After"]) > 0
    refusal = "You have asked Nova for consoles and logs too often (at most 2/minute)."
    assert refusal in refused_box
    assert "Could not open a console" not in refused_box
    assert refused_download.status_code == 429
    assert int(refused_download["Retry-After"]) > 0
    assert refusal in refused_download.content.decode()
