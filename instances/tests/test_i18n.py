"""The instances pages, forms, refusals and operation descriptions for a reader of Simplified
Chinese (`Accept-Language: zh-hans`): our words in Chinese, object names as they are. From the
mirror only (no worker runs here)."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from dashboard.i18n import Message
from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import FROM_THE_FORM
from instances.factories import FlavorFactory, KeyPairFactory, ServerFactory
from instances.forms.server_actions import RenameForm
from instances.lifecycle import ServerState, refusal
from instances.tests.test_servers import LAUNCH_URL, compute_quota, launchable

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

ZH = {"Accept-Language": "zh-hans"}
HTMX = {"HX-Request": "true"}
# A name a Chinese user might give: shown as it is, never translated.
NAME = "测试服务器-web"


def title(page: str) -> str:
    """The page's title without the isolate controls around a name (dashboard.web.text)."""
    found = re.search(r"<title>(.*)</title>", page)
    return found.group(1).replace("\u2068", "").replace("\u2069", "") if found else ""


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request leaves its language active in the thread: the next test starts in English."""
    yield
    translation.deactivate()


def test_list_and_detail_in_chinese_keep_the_servers_name(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: Any
) -> None:
    created = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    server = ServerFactory(project_id=account.project.id, name=NAME, created_at=created)
    ServerFactory(
        project_id=account.project.id,
        name="db-1",
        status="SHUTOFF",
        vm_state="stopped",
        power_state=4,
        task_state="powering-on",
    )

    listed = shown(signed_in.get("/compute/instances/", headers=ZH))
    detail = shown(signed_in.get(f"/compute/instances/{server.id}/", headers=ZH))

    assert title(listed).startswith("实例 · ")
    assert "创建实例" in listed  # the launch button
    assert ">运行中</span>" in listed  # ACTIVE, as the badge says it
    assert ">已关机</span>" in listed  # SHUTOFF
    assert "正在开机" in listed  # the task under way
    assert ">关机</button>" in listed  # the running server's primary action
    assert "关机实例“测试服务器-web”？" in listed  # its confirmation
    assert ">停止所选</button>" in listed
    assert NAME in listed
    assert 'title="2026-03-04 05:06:00 UTC"' in listed  # the created time, through {% when %}
    assert "实例“测试服务器-web”" in detail
    for heading in ("实例类型", "镜像", "密钥对", "可用域", "创建时间", "控制台", "操作日志"):
        assert heading in detail
    assert "64.0\xa0MB 内存" in detail  # sizes through filesizeformat
    assert 'title="2026-03-04 05:06:00 UTC"' in detail


def test_an_unknown_status_is_shown_as_nova_says_it(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: Any
) -> None:
    ServerFactory(project_id=account.project.id, status="NEW_IN_NOVA")

    assert ">NEW_IN_NOVA</span>" in shown(signed_in.get("/compute/instances/", headers=ZH))


def test_launch_form_in_chinese_and_its_errors(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: Any
) -> None:
    data = launchable(account.project.id)

    page = signed_in.get(LAUNCH_URL, headers=ZH).content.decode()
    refused = signed_in.post(
        LAUNCH_URL,
        data | {"metadata": "no equals sign", "count": 11},
        headers={**ZH, **FROM_THE_FORM},
    ).content.decode()

    assert title(page).startswith("创建实例 · ")
    for label in ("镜像", "实例类型", "网络和端口（按顺序）", "密钥对", "用户数据", "计算配额"):
        assert label in page
    assert "m1.test — 1 个 vCPU" in page  # the flavor's label; its name as it is
    assert "cirros" in page
    assert "第 1 行不是 键=值 格式" in refused
    assert "一次最多创建 10 个实例。" in refused
    assert not Operation.objects.exists()


def test_a_launch_over_the_quota_is_refused_in_chinese(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: Any
) -> None:
    project_id = account.project.id
    data = launchable(project_id, vcpus=2, ram=512) | {"count": 5}
    compute_quota(project_id, instances=10, cores=8, ram=51200)

    body = signed_in.post(LAUNCH_URL, data, headers={**ZH, **FROM_THE_FORM}).content.decode()

    assert "本次创建超出了您项目的计算配额：需要 10 vCPU，但 8 中只剩 8。" in body
    assert "vCPU 不足：8 中只剩 8。" in body  # the quota box
    assert not Operation.objects.exists()


def test_a_refusal_in_chinese_on_the_page_and_in_the_api(
    signed_in: Client, account: KeystoneAccount
) -> None:
    server = ServerFactory(project_id=account.project.id, name=NAME, locked=True)

    page = signed_in.post(f"/compute/instances/{server.id}/delete/", headers={**ZH, **HTMX})
    api = signed_in.post(f"/api/servers/{server.id}/delete/", headers=ZH)

    assert "实例“测试服务器-web”已锁定：请先解锁。" in shown(page)
    assert api.status_code == 409
    assert api.json()["detail"] == "实例“测试服务器-web”已锁定：请先解锁。"
    assert not Operation.objects.exists()


def test_a_refusal_naming_states_reads_as_one_sentence_in_each_language() -> None:
    suspended = ServerState(
        status="SUSPENDED", task_state="", vm_state="suspended", power_state=7, locked=False
    )
    found = refusal("interface_detach", suspended)

    assert found is not None
    assert found.about("web-1") == (
        "Server “web-1” is suspended: Detach interface works only when it is paused, running "
        "or shut off."
    )
    with translation.override("zh-hans"):
        assert found.about("web-1") == (
            "实例“web-1”当前已挂起：“断开接口”仅在实例已暂停、正在运行或已关机时可用。"
        )
        assert str(found.reason()) == (
            "实例当前已挂起；“断开接口”仅在实例已暂停、正在运行或已关机时可用"
        )


def test_a_server_action_form_in_chinese(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: Any
) -> None:
    server = ServerFactory(project_id=account.project.id, name=NAME, disk=1)
    FlavorFactory(name="m1.large", disk=1)

    page = signed_in.get(f"/compute/instances/{server.id}/resize/", headers=ZH).content.decode()

    assert "调整实例“测试服务器-web”的大小" in page  # the title, the name as it is
    assert "实例将以新实例类型的 vCPU、内存和磁盘重新启动" in page  # the intro
    assert "m1.large — 1 个 vCPU" in page
    assert ">调整大小</button>" in page


def test_key_pairs_in_chinese(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    KeyPairFactory(user_id=account.user_id, name="我的笔记本")

    listed = signed_in.get("/compute/key-pairs/", headers=ZH).content.decode()
    form = signed_in.get("/compute/key-pairs/create/", headers=ZH).content.decode()
    with django_capture_on_commit_callbacks():
        created = signed_in.post(
            "/compute/key-pairs/create/",
            {"name": "laptop", "key_type": "ed25519"},
            headers={**ZH, **HTMX},
        ).content.decode()

    assert title(listed).startswith("密钥对 · ")
    assert "我的笔记本" in listed
    assert "删除密钥对 \u2068我的笔记本\u2069？" in listed  # the row's confirmation
    assert "导入公钥" in listed
    assert title(form).startswith("创建密钥对 · ")
    assert "Ed25519（推荐）" in form
    assert "请立即保存“laptop”的私钥。" in created
    assert "下载私钥" in created


def test_an_action_form_describes_its_operation_in_the_readers_language(
    account: KeystoneAccount,
) -> None:
    server = ServerFactory(project_id=account.project.id, name=NAME)
    form = RenameForm({"name": "新名字"}, project_id=account.project.id, obj=server)
    assert form.is_valid(), form.errors

    description = form.operation_request().description

    assert isinstance(description, Message)
    assert str(description) == "Rename server “测试服务器-web” to “新名字”"
    with translation.override("zh-hans"):
        assert str(description) == "将实例“测试服务器-web”重命名为“新名字”"


@pytest.mark.xfail(
    not hasattr(Operation, "description_message"),
    reason="an Operation keeps its description as a Message once i18n-core is merged",
    strict=True,
)
def test_a_started_operation_is_described_in_each_readers_language(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    server = ServerFactory(project_id=account.project.id, name=NAME)

    with django_capture_on_commit_callbacks():
        signed_in.post(f"/compute/instances/{server.id}/stop/", headers={**ZH, **HTMX})

    operation = Operation.objects.get()
    with translation.override("en"):
        assert operation.description == "Shut off server “测试服务器-web”"
    with translation.override("zh-hans"):
        assert operation.description == "关闭实例“测试服务器-web”"
