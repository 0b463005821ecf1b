"""Operations read in each reader's language: a row keeps its description and failure as
Messages, so one started by someone reading English shows in Chinese to a Chinese reader, and the
API answers in the request's language; object names and OpenStack's own words stay as they are.
"""

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from dashboard.cloud.errors import CloudNotFound, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import operation_fail
from dashboard.operations.tasks import too_slow
from dashboard.testing.fixtures import KeystoneAccount
from instances.tests.keys import new_public_key

NAME = "蓝-net"
CHINESE = {"Accept-Language": "zh-hans"}
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def app_catalog(tmp_path: Path, settings: Any) -> None:
    """A catalog ahead of the project's, standing in for an app's description (the networks
    app's own lands in the project's catalog with its forms)."""
    po = tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Create network “%(name)s”"\nmsgstr "创建网络“%(name)s”"\n',
        encoding="utf-8",
    )
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def failed_network_create(account: KeystoneAccount, conn: Any) -> Operation:
    """An operation started by an English reader whose cloud call failed for real: Neutron's
    404 for a network that does not exist, with its own words and request id."""
    with translation.override("en"):
        operation = Operation.objects.create(
            action="networks.network_create",
            description_json=Message(
                gettext_noop("Create network “%(name)s”"), {"name": NAME}
            ).as_json(),
            target_type="network",
            project_id=account.project.id,
            user_id="u-1",
            user_name="alice",
        )
        with (
            pytest.raises(CloudNotFound) as failure,
            translated(doing=operation.description_message.lowered(), service="Neutron"),
        ):
            conn.network.get_network("no-such-network")
        operation_fail(operation=operation, error=failure.value)
    operation.refresh_from_db()
    return operation


@pytest.mark.django_db
@pytest.mark.usefixtures("app_catalog")
def test_activity_shows_an_operation_in_the_readers_language(
    signed_in: Client, account: KeystoneAccount, tenant_connection: Any
) -> None:
    operation = failed_network_create(account, tenant_connection)
    neutron_says = "Network no-such-network could not be found."

    page = signed_in.get("/activity/", headers=CHINESE).content.decode()

    assert "<title>操作记录 · 自助云平台</title>" in page
    assert '<html lang="zh-hans"' in page
    assert "创建网络“<bdi>蓝-net</bdi>”" in page
    assert ">失败</span>" in page
    assert "无法创建网络“<bdi>蓝-net</bdi>”：它已不存在，或对此项目不可见。请刷新页面。" in page
    assert f"云端返回：{neutron_says}（Neutron 404, {operation.request_id}）" in page
    assert "Could not" not in page
    assert "Activity" not in page

    english = signed_in.get(f"/api/operations/{operation.pk}/", headers=ENGLISH).json()
    assert english["description"] == f"Create network “{NAME}”"
    assert english["error_message"] == (
        f"Could not create network “{NAME}”: it no longer exists or is not visible to this "
        f"project. Reload the page. The cloud says: {neutron_says} "
        f"(Neutron 404, {operation.request_id})"
    )
    assert english["status"] == "failed"
    chinese = signed_in.get(f"/api/operations/{operation.pk}/", headers=CHINESE).json()
    assert chinese["description"] == f"创建网络“{NAME}”"
    assert chinese["error_message"].startswith(f"无法创建网络“{NAME}”：")


@pytest.mark.django_db
def test_the_status_box_says_the_engines_own_failure_in_the_readers_language(
    signed_in: Client, account: KeystoneAccount
) -> None:
    operation = Operation.objects.create(
        action="networks.network_create",
        description_json=Message("Create network “x”").as_json(),
        target_type="network",
        project_id=account.project.id,
        user_id="u-1",
        user_name="alice",
    )
    operation_fail(operation=operation, error=too_slow(operation, limit=120))

    box = signed_in.get(f"/operations/{operation.pk}/", headers=CHINESE).content.decode()

    # A description kept before it was a catalog's msgid shows as it was written.
    assert "<strong>失败：</strong><bdi>无法create network “<bdi>x</bdi>”：云端在 2 分钟" in box
    with translation.override("en"):
        assert Operation.objects.get(pk=operation.pk).error_message.startswith(
            "Could not create network “x”: the cloud had not finished it after 2 minutes,"
        )


@pytest.mark.django_db
def test_a_refusal_answers_409_in_the_requests_language(signed_in: Client) -> None:
    """A second import of the same key pair while the first is unfinished is refused."""
    key = new_public_key()
    started = signed_in.post(
        "/api/keypairs/", {"name": "k1", "public_key": key}, content_type="application/json"
    )
    assert started.status_code == 202, started.content.decode()

    refused = signed_in.post(
        "/api/keypairs/",
        {"name": "k1", "public_key": key},
        content_type="application/json",
        headers=CHINESE,
    )

    assert refused.status_code == 409
    assert refused.json() == {"detail": "keypair“k1”上已有操作正在进行；请等待其完成后重试。"}


@pytest.mark.django_db
def test_drf_and_django_answer_in_the_requests_language(client: Client, signed_in: Client) -> None:
    anonymous = Client().get("/api/operations/", headers=CHINESE)
    missing = signed_in.post(
        "/api/keypairs/", {"public_key": "x"}, content_type="application/json", headers=CHINESE
    )
    nowhere = client.get("/api/nothing/here/", headers=CHINESE)

    assert anonymous.status_code == 403
    assert anonymous.json() == {"detail": "身份认证信息未提供。"}
    assert missing.status_code == 400
    assert missing.json()["name"] == [{"message": "该字段是必填项。", "code": "required"}]
    assert nowhere.json() == {"detail": "此地址没有对应的接口：请查看 /api/schema/ 中的路径。"}


def test_an_operation_request_refuses_a_plain_string_description() -> None:
    with pytest.raises(TypeError, match="Message"):
        OperationRequest(
            service=operation_fail,
            description="Create network “x”",  # type: ignore[arg-type]  # what is refused
            target_type="network",
        )


@pytest.mark.django_db
def test_activity_search_finds_operations_by_name_or_english_wording(
    signed_in: Client, account: KeystoneAccount
) -> None:
    for target_name, msgid in (
        (NAME, gettext_noop("Create network “%(name)s”")),
        ("edge", gettext_noop("Delete router “%(name)s”")),
    ):
        Operation.objects.create(
            action="networks.x",
            description_json=Message(msgid, {"name": target_name}).as_json(),
            target_type="network",
            target_name=target_name,
            project_id=account.project.id,
            user_id="u-1",
            user_name="alice",
        )

    def found(query: str) -> list[str]:
        answer = signed_in.get("/api/operations/", {"q": query}, headers=CHINESE)
        return [operation["target_name"] for operation in answer.json()["results"]]

    assert found("蓝") == [NAME]
    assert found("ROUTER") == ["edge"]
    assert sorted(found("e")) == sorted([NAME, "edge"])
    assert found("删除") == []  # the wording is searched in English only
    page = signed_in.get("/activity/", {"q": "edg"}, headers=CHINESE).content.decode()
    assert "edge" in page
    assert NAME not in page
