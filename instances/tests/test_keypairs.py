"""The key pair pages and API: the signed-in user's key pairs from the mirror; import, create
(generated here, the private key shown once) and delete through operations.

No worker runs here (instances/tests/test_services_keypairs.py runs the services against Nova;
test_launch.py imports a generated key through the whole path)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import OTHER_PROJECT, ResourceAPITests, ResourceViewTests
from instances.factories import KeyPairFactory
from instances.tests.keys import new_public_key

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}
ANOTHER_USER = "another-user-id"


class KeyPairResource:
    """Key pairs belong to users: the base classes' "own project" row is the signed-in user's,
    their "other project" row another user's."""

    factory = KeyPairFactory
    create_action = "instances.keypair_create"
    invalid_data = {"public_key": "ssh-rsa not-base64 me@host"}
    invalid_field = "public_key"

    @pytest.fixture(autouse=True)
    def _signed_in_user(self, account: KeystoneAccount) -> None:
        self.account = account

    def make(self, *, project_id: str, **fields: Any) -> Any:
        owner = ANOTHER_USER if project_id == OTHER_PROJECT else self.account.user_id
        return self.factory(user_id=owner, **fields)

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return {"name": "laptop", "public_key": new_public_key()}


class TestKeyPairViews(KeyPairResource, ResourceViewTests):
    list_url_name = "instances:keypair_list"
    create_url_name = "instances:keypair_import"


class TestKeyPairAPI(KeyPairResource, ResourceAPITests):
    api_url = "/api/keypairs/"


def test_create_generates_a_key_and_shows_the_private_key_once(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(
            "/compute/key-pairs/create/", {"name": "my laptop", "key_type": "ed25519"}, headers=HTMX
        )

    body = response.content.decode()
    operation = Operation.objects.get()
    assert len(callbacks) == 1
    assert "no-store" in response["Cache-Control"]
    assert f'hx-get="/operations/{operation.id}/"' in body
    assert "-----BEGIN OPENSSH PRIVATE KEY-----" in body
    assert 'download="my laptop.pem"' in body
    # Only the public half travels to the worker, and it matches the private key shown.
    private_pem = body.split("readonly", 1)[1].split(">", 1)[1].split("</textarea>")[0]
    private = serialization.load_ssh_private_key(private_pem.encode(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    assert operation.params == {"name": "my laptop", "public_key": f"{public.decode()} my laptop"}
    assert "PRIVATE" not in str(operation.params)
    assert operation.target_id == f"{account.user_id}:my laptop"


def test_api_generate_answers_with_the_private_key_and_the_operation(
    signed_in: Client,
) -> None:
    response = signed_in.post(
        "/api/keypairs/generate/",
        {"name": "ci", "key_type": "rsa"},
        content_type="application/json",
    )

    assert response.status_code == 202
    body = response.json()
    assert body["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert body["operation"]["params"]["public_key"].startswith("ssh-rsa ")
    assert response["Cache-Control"] == "no-store"


def test_names_are_checked_like_nova_and_against_the_users_key_pairs(
    signed_in: Client, account: KeystoneAccount
) -> None:
    KeyPairFactory(user_id=account.user_id, name="taken")
    KeyPairFactory(user_id=ANOTHER_USER, name="theirs")

    def errors(**data: Any) -> dict[str, Any]:
        response = signed_in.post(
            "/api/keypairs/",
            {"public_key": new_public_key(), **data},
            content_type="application/json",
        )
        return dict(response.json()) if response.status_code == 400 else {}

    assert "already have a key pair named “taken”" in errors(name="taken")["name"][0]["message"]
    assert "name" in errors(name="slash/name")
    assert errors(name="theirs") == {}  # another user's name is free for this one
    private_pasted = errors(name="oops", public_key="-----BEGIN OPENSSH PRIVATE KEY-----\nx")
    assert "not the private key" in private_pasted["public_key"][0]["message"]


def test_another_users_key_pair_cannot_be_deleted(signed_in: Client) -> None:
    theirs = KeyPairFactory(user_id=ANOTHER_USER)

    page = signed_in.post(f"/compute/key-pairs/{theirs.pk}/delete/", headers=HTMX)
    api = signed_in.delete(f"/api/keypairs/{theirs.pk}/")

    assert page.status_code == 404
    assert api.status_code == 404
    assert not Operation.objects.exists()


def test_delete_starts_one_operation_for_the_users_key_pair(
    signed_in: Client, account: KeystoneAccount
) -> None:
    mine = KeyPairFactory(user_id=account.user_id, name="old.key@work")

    response = signed_in.delete(f"/api/keypairs/{mine.pk}/")

    assert response.status_code == 202
    assert response.json()["params"] == {"name": "old.key@work"}
    assert response.json()["action"] == "instances.keypair_delete"


def test_key_pair_buttons_and_writes_follow_novas_policy(
    make_account: Callable[..., KeystoneAccount], client: Client, settings: Any, tmp_path: Path
) -> None:
    """Nova's default policy lets every user manage their own key pairs, readers too; a cloud
    whose policy keeps them to admins gets no key pair buttons, and 403 from the API."""
    reader = make_account(roles=("reader",))
    assert client.post("/auth/login/", reader.credentials()).status_code == 302
    mine = KeyPairFactory(user_id=reader.user_id, name="laptop")
    default = client.get("/compute/key-pairs/").content.decode()
    settings.OPENSTACK_POLICY_DIR = tmp_path
    (tmp_path / "nova.yaml").write_text(
        '"os_compute_api:os-keypairs:create": "rule:context_is_admin"\n'
        '"os_compute_api:os-keypairs:delete": "rule:context_is_admin"\n'
    )

    refused = client.get("/compute/key-pairs/").content.decode()
    imported = client.post(
        "/api/keypairs/",
        {"name": "ci", "public_key": new_public_key()},
        content_type="application/json",
    )
    deleted = client.delete(f"/api/keypairs/{mine.pk}/")
    page = client.post(f"/compute/key-pairs/{mine.pk}/delete/", headers=HTMX)

    for button in ("Create key pair", "Import public key", f"{mine.pk}/delete/", "Delete selected"):
        assert button in default
        assert button not in refused
    assert (imported.status_code, deleted.status_code, page.status_code) == (403, 403, 403)
    assert not Operation.objects.exists()
