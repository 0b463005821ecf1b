"""The tenants pages, forms and refusals in Simplified Chinese (the browser's language), with
object names shown as they are; English stays the default."""

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from dashboard.i18n import Message
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import FROM_THE_FORM
from instances.factories import ServerFactory
from networks.factories import NetworkFactory
from tenants.factories import ProjectFactory, quotas_for
from tenants.forms.quotas import ComputeDefaultQuotasForm, ProjectQuotasForm
from tenants.quotas import require_quota

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def test_overview_in_chinese_keeps_the_project_name(
    signed_in: Client, account: KeystoneAccount
) -> None:
    page = shown(signed_in.get("/", **CHINESE))

    assert "<title>概览 · " in page
    assert f"项目 {account.project.name} 概览" in page
    assert "会话结束时间" in page
    assert "，即您的 Keystone 令牌过期时" in page
    assert "正在加载用量…" in page
    assert "Overview of project" not in page


def test_overview_usage_in_chinese(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    quotas_for(account.project.id, network_network=(10, 0), network_router=(-1, 0))
    # The use of networking resources is counted from the mirror.
    NetworkFactory.create_batch(2, project_id=account.project.id)

    page = shown(signed_in.get("/overview/usage/", **CHINESE))

    assert "运行中的实例" in page
    assert "已分配的浮动 IP" in page
    assert 'aria-label="网络：已使用限额的 20 %"' in page
    assert "0 / 不限" in page
    assert "用量达到限额的 80 % 时进度条变为黄色" in page
    assert "Running instances" not in page


def test_api_access_in_chinese(signed_in: Client, account: KeystoneAccount) -> None:
    page = shown(signed_in.get("/project/api-access/", **CHINESE))

    assert "<title>API 访问 · " in page
    assert f"在项目 <strong>{account.project.name}</strong> 中使用 OpenStack 命令行和 SDK" in page
    assert "下载 clouds.yaml" in page
    assert "服务端点" in page


def test_sign_out_says_so_in_the_browsers_language(signed_in: Client) -> None:
    response = signed_in.post("/auth/logout/", follow=True, **CHINESE)

    page = shown(response)
    assert "<title>登录 · " in page
    assert "您已退出登录，您的 Keystone 令牌已撤销。" in page


def test_quota_refusals_in_the_readers_language() -> None:
    quotas_for("p", network_network=(10, 0), compute_cores=(20, 0))
    NetworkFactory.create_batch(10, project_id="p")
    ServerFactory(project_id="p", vcpus=18)

    with translation.override("zh-hans"), pytest.raises(forms.ValidationError) as full:
        require_quota(project_id="p", service="network", resource="network")
    with translation.override("zh-hans"), pytest.raises(forms.ValidationError) as too_big:
        require_quota(project_id="p", service="compute", resource="cores", adding=4)

    assert full.value.messages == [
        "配额已用完（网络）：已使用 10，限额 10。请删除一个，或请管理员提高配额。参见概览页面。"
    ]
    assert too_big.value.messages == [
        "配额不足（vCPU）：此操作需要 4，但您的限额 20 中只剩 2。"
        "请释放一些，或请管理员提高配额。参见概览页面。"
    ]


def test_admin_quota_pages_in_chinese(
    client: Client, make_account: Callable[..., KeystoneAccount]
) -> None:
    admin = make_account(roles=("admin",))
    assert client.post("/auth/login/", admin.credentials()).status_code == 302
    project = ProjectFactory(name="拥挤的项目")
    quotas_for(project.id, compute_instances=(10, 0), network_network=(10, 9))
    ServerFactory.create_batch(3, project_id=project.id)
    url = f"/admin/quotas/{project.id}/"

    table = shown(client.get("/admin/quotas/", **CHINESE))
    edit = shown(client.get(url, **CHINESE))
    defaults = shown(client.get("/admin/quotas/defaults/", **CHINESE))
    refused = shown(client.post(url, {"compute_instances": 2}, headers=FROM_THE_FORM, **CHINESE))

    assert "<title>配额 · " in table
    assert "最高用量" in table
    assert "接近限额（≥ 80 %）" in table
    assert ">拥挤的项目</a>" in table
    assert "<title>项目“拥挤的项目”的配额 · " in edit
    assert ">设置配额</button>" in edit
    assert '<caption class="caption-top">计算</caption>' in edit
    assert "<title>默认配额 · " in defaults
    assert "网络（只读）" in defaults
    assert "这些限额低于项目“拥挤的项目”的当前用量：实例 2（已使用 3）。" in refused
    assert "应用低于当前用量的限额" in refused


def test_quota_operation_descriptions_are_read_in_the_readers_language() -> None:
    project = ProjectFactory(name="东方")
    quotas_for(project.id, network_network=(10, 0))
    kwargs: dict[str, Any] = {"project_id": project.id, "keystone": None}
    edit = ProjectQuotasForm({"network_network": 20}, obj=project, **kwargs)
    defaults = ComputeDefaultQuotasForm({"compute_instances": 20}, obj=None, **kwargs)
    assert edit.is_valid(), edit.errors
    assert defaults.is_valid(), defaults.errors

    descriptions = [edit.operation_request().description, defaults.operation_request().description]

    assert all(isinstance(description, Message) for description in descriptions)
    with translation.override("en"):
        assert [str(d) for d in descriptions] == [
            "Set the quotas of project “东方”",
            "Set the default compute quotas",
        ]
    with translation.override("zh-hans"):
        assert [str(d) for d in descriptions] == ["设置项目“东方”的配额", "设置默认计算配额"]
