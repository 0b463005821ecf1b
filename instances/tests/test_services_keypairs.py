"""Key pair services against the local cloud, as the test account's own user."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from dashboard.cloud.errors import CloudConflict, CloudPermanentError
from dashboard.operations.models import Operation
from dashboard.operations.services import operation_fail
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import activity
from instances.models import KeyPair
from instances.reconcile import keypair_id
from instances.services.keypairs import keypair_create, keypair_delete, public_key_fingerprint
from instances.tests.keys import delete_user_keypairs, new_public_key

pytestmark = [pytest.mark.cloud, pytest.mark.django_db]


@pytest.fixture
def user_keypairs(cloud: Any, account: KeystoneAccount) -> Iterator[None]:
    yield
    delete_user_keypairs(cloud, account.user_id)


def operation(account: KeystoneAccount, action: str, name: str) -> Operation:
    """A running operation of the account's user; a create names its target once it is made."""
    return Operation.objects.create(
        action=action,
        description=f"{action} {name}",
        status=Operation.Status.RUNNING,
        target_type="keypair",
        target_id=""
        if action == "instances.keypair_create"
        else keypair_id(user_id=account.user_id, name=name),
        target_name=name,
        project_id=account.project.id,
        user_id=account.user_id,
        user_name=account.username,
    )


def test_fingerprint_is_novas() -> None:
    public_key = new_public_key()

    fingerprint = public_key_fingerprint(public_key)

    assert fingerprint is not None
    assert len(fingerprint.split(":")) == 16
    assert public_key_fingerprint("ssh-ed25519 not-base64!") is None
    assert public_key_fingerprint("") is None


def test_import_twice_for_one_operation_makes_one_key_pair(
    cloud: Any, account: KeystoneAccount, tenant_connection: Any, user_keypairs: None
) -> None:
    public_key = new_public_key()
    imported = operation(account, "instances.keypair_create", "laptop")

    for _ in range(2):  # a retry after a lost answer, or a redelivered task
        keypair_create(
            conn=tenant_connection, operation=imported, name="laptop", public_key=public_key
        )

    made = list(cloud.compute.keypairs(user_id=account.user_id))
    assert [keypair.name for keypair in made] == ["laptop"]
    assert made[0].fingerprint == public_key_fingerprint(public_key)
    row = KeyPair.objects.get(pk=keypair_id(user_id=account.user_id, name="laptop"))
    assert (row.user_id, row.fingerprint) == (account.user_id, made[0].fingerprint)
    assert imported.result_id == row.pk


def test_import_of_another_key_under_a_taken_name_is_a_clear_conflict(
    cloud: Any,
    account: KeystoneAccount,
    tenant_connection: Any,
    user_keypairs: None,
    signed_in: Client,
) -> None:
    first = new_public_key()
    keypair_create(
        conn=tenant_connection,
        operation=operation(account, "instances.keypair_create", "laptop"),
        name="laptop",
        public_key=first,
    )
    second = operation(account, "instances.keypair_create", "laptop")

    with pytest.raises(CloudConflict) as refused:
        keypair_create(
            conn=tenant_connection, operation=second, name="laptop", public_key=new_public_key()
        )
    operation_fail(operation=second, error=refused.value)

    assert str(refused.value).startswith(
        "Could not import key pair “laptop”: you already have a key pair named “laptop” with "
        f"another public key (fingerprint {public_key_fingerprint(first)}). Choose another "
        "name, or delete that key pair first. (Nova 409"
    )
    assert (
        f"无法导入密钥对“laptop”：您已有名为“laptop”的密钥对，但公钥不同（指纹 "
        f"{public_key_fingerprint(first)}）。请换一个名称，或先删除那个密钥对。（Nova 409"
    ) in activity(signed_in, "zh-hans")
    assert [k.fingerprint for k in cloud.compute.keypairs(user_id=account.user_id)] == [
        public_key_fingerprint(first)
    ]


def test_an_invalid_public_key_is_refused_saying_what_to_paste(
    account: KeystoneAccount, tenant_connection: Any, user_keypairs: None, signed_in: Client
) -> None:
    imported = operation(account, "instances.keypair_create", "broken")
    with pytest.raises(CloudPermanentError) as refused:
        keypair_create(
            conn=tenant_connection,
            operation=imported,
            name="broken",
            public_key="ssh-rsa AAAAnot-a-key",
        )
    operation_fail(operation=imported, error=refused.value)

    english = str(refused.value)
    assert english.startswith(
        "Could not import key pair “broken”: the name or the public key is not valid."
    )
    assert "(Nova 400" in english
    assert escape(english) in activity(signed_in)
    nova_says = english.split(" The cloud says: ", 1)[1].split(" (Nova 400")[0]
    assert escape(
        "无法导入密钥对“broken”：名称或公钥无效。名称请使用字母、数字、空格、'-'、'_' 和 '.'，"
        "并粘贴 OpenSSH 公钥（.pub 文件）的完整一行。"
        f"云端返回：{nova_says}（Nova 400, req-"
    ) in activity(signed_in, "zh-hans")


def test_delete_removes_the_key_pair_and_a_missing_one_counts_as_done(
    cloud: Any, account: KeystoneAccount, tenant_connection: Any, user_keypairs: None
) -> None:
    created = operation(account, "instances.keypair_create", "old")
    keypair_create(
        conn=tenant_connection, operation=created, name="old", public_key=new_public_key()
    )
    Operation.objects.filter(pk=created.pk).update(status=Operation.Status.SUCCEEDED)
    deleted = operation(account, "instances.keypair_delete", "old")

    for _ in range(2):  # the second finds it gone
        keypair_delete(conn=tenant_connection, operation=deleted, name="old")

    assert list(cloud.compute.keypairs(user_id=account.user_id)) == []
    assert not KeyPair.objects.filter(user_id=account.user_id).exists()
