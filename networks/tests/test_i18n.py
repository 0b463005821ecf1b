"""The networking pages, forms, refusals and operation descriptions in Simplified Chinese for a
reader whose browser asks for it (and in English otherwise); object names are never translated.

The pages read the mirror, so the objects are factory rows of the signed-in project: one
sign-in per module, no other cloud calls."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from dashboard.i18n import Message
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
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
from networks.forms.networks import NetworkDeleteForm
from networks.forms.security_groups import SecurityGroupRuleDeleteForm

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
HTMX = {"HX-Request": "true"}
# A network name in Chinese: shown as it is, whatever the reader's language.
CHINESE_NAME = "测试网络"


@dataclass(frozen=True)
class Resource:
    """A resource's pages and what each shows a Chinese reader."""

    list_url: str
    detail_url: str
    create_url: str
    name: str
    # In the list: its title, a column and the create button.
    list_texts: tuple[str, ...]
    # On the detail page: its title (with the name) and a label or button.
    detail_texts: tuple[str, ...]
    # On the create form: its title and a field's label.
    create_texts: tuple[str, ...]


@pytest.fixture
def resources(account: KeystoneAccount) -> list[Resource]:
    """One object of each networking resource in the signed-in project."""
    project_id = account.project.id
    network = NetworkFactory(project_id=project_id, name=CHINESE_NAME)
    subnet = SubnetFactory(project_id=project_id, network=network, name="lan")
    port = PortFactory(project_id=project_id, network=network, name="web-nic")
    router = RouterFactory(project_id=project_id, name="edge")
    floating_ip = FloatingIPFactory(project_id=project_id)
    group = SecurityGroupFactory(project_id=project_id, name="web")
    SecurityGroupRuleFactory(project_id=project_id, security_group=group)
    base = "/network"
    return [
        Resource(
            f"{base}/networks/",
            f"{base}/networks/{network.id}/",
            f"{base}/networks/create/",
            CHINESE_NAME,
            ('<h1 class="h3 mb-0">网络</h1>', ">子网</a>", ">创建网络</a>"),
            (f"网络“{CHINESE_NAME}”", ">添加子网</a>", "管理状态"),
            ('<h1 class="h3">创建网络</h1>', "子网名称", "新端口启用端口安全"),
        ),
        Resource(
            f"{base}/subnets/",
            f"{base}/subnets/{subnet.id}/",
            f"{base}/subnets/create/",
            "lan",
            ('<h1 class="h3 mb-0">子网</h1>', ">网关</a>", ">创建子网</a>"),
            ("子网“lan”", "分配池", "DNS 服务器"),
            ('<h1 class="h3">创建子网</h1>', "网关 IP", "分配池"),
        ),
        Resource(
            f"{base}/ports/",
            f"{base}/ports/{port.id}/",
            f"{base}/ports/create/",
            "web-nic",
            ('<h1 class="h3 mb-0">端口</h1>', ">用途</a>", ">创建端口</a>"),
            ("端口“web-nic”", "MAC 地址", "允许的地址对"),
            ('<h1 class="h3">创建端口</h1>', "允许的地址对", "网络默认值"),
        ),
        Resource(
            f"{base}/routers/",
            f"{base}/routers/{router.id}/",
            f"{base}/routers/create/",
            "edge",
            ('<h1 class="h3 mb-0">路由器</h1>', ">外部网络</a>", ">创建路由器</a>"),
            ("路由器“edge”", "外部网关", "添加接口"),
            ('<h1 class="h3">创建路由器</h1>', "外部网络", "网关子网"),
        ),
        Resource(
            f"{base}/floating-ips/",
            f"{base}/floating-ips/{floating_ip.id}/",
            f"{base}/floating-ips/allocate/",
            floating_ip.floating_ip_address,
            ('<h1 class="h3 mb-0">浮动 IP</h1>', ">关联到</a>", ">分配浮动 IP</a>"),
            (f"浮动 IP {floating_ip.floating_ip_address}", "外部网络", "未关联"),
            ('<h1 class="h3">分配浮动 IP</h1>', "外部网络", "可选：从此子网分配。"),
        ),
        Resource(
            f"{base}/security-groups/",
            f"{base}/security-groups/{group.id}/",
            f"{base}/security-groups/create/",
            "web",
            ('<h1 class="h3 mb-0">安全组</h1>', ">规则</a>", ">创建安全组</a>"),
            ("安全组“web”", "入方向", "添加常用规则"),
            ('<h1 class="h3">创建安全组</h1>', "无状态", "名称"),
        ),
    ]


def test_every_networking_page_speaks_chinese_and_keeps_names(
    signed_in: Client, resources: list[Resource]
) -> None:
    for resource in resources:
        listed = shown(signed_in.get(resource.list_url, **CHINESE))
        detail = shown(signed_in.get(resource.detail_url, **CHINESE))
        create = shown(signed_in.get(resource.create_url, **CHINESE))

        for text in resource.list_texts:
            assert text in listed, (resource.list_url, text)
        assert resource.name in listed, resource.list_url
        for text in resource.detail_texts:
            assert text in detail, (resource.detail_url, text)
        assert resource.name in detail, resource.detail_url
        for text in resource.create_texts:
            assert text in create, (resource.create_url, text)


def test_without_a_language_the_pages_stay_english(
    signed_in: Client, resources: list[Resource]
) -> None:
    network = resources[0]

    listed = shown(signed_in.get(network.list_url))
    detail = shown(signed_in.get(network.detail_url))

    assert ">Create network</a>" in listed
    assert f"Network “{CHINESE_NAME}”" in detail
    assert "网络“" not in detail


def test_a_rule_row_and_the_topology_list_speak_chinese(
    signed_in: Client, resources: list[Resource]
) -> None:
    group, network = resources[5], resources[0]

    rules = shown(signed_in.get(group.detail_url, **CHINESE))
    topology = shown(signed_in.get("/network/topology/", **CHINESE))
    graph_list = shown(signed_in.get("/network/topology/", headers=HTMX, **CHINESE))

    assert "删除此规则？" in rules
    assert "<title>网络拓扑" in topology
    assert "缩放以适应" in topology
    assert "网络和子网" in graph_list
    assert network.name in graph_list


def test_a_chinese_network_name_in_the_topology_json(
    signed_in: Client, resources: list[Resource]
) -> None:
    response = signed_in.get("/network/topology/graph.json", **CHINESE)

    labels = [node[2] for node in json.loads(response.content)["nodes"]]
    assert CHINESE_NAME in labels


def test_a_validation_error_in_chinese(signed_in: Client, account: KeystoneAccount) -> None:
    network = NetworkFactory(project_id=account.project.id)

    response = signed_in.post(
        "/network/subnets/create/",
        {"network_id": network.id, "cidr": "10.20.0.5/24"},
        **CHINESE,
    )

    assert response.status_code == 200
    assert "10.20.0.5/24 的主机位不为零：其网络是 10.20.0.0/24。" in shown(response)


def test_a_refusal_in_chinese_names_objects_as_they_are(
    signed_in: Client, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id, name=CHINESE_NAME)
    PortFactory(
        network=network,
        project_id=account.project.id,
        name="web-nic",
        fixed_ips=[{"subnet_id": "s", "ip_address": "10.1.1.5"}],
    )

    page = signed_in.post(f"/network/networks/{network.id}/delete/", headers=HTMX, **CHINESE)

    assert f"网络“{CHINESE_NAME}”仍有在用的端口：compute:nova “web-nic”（10.1.1.5）。" in shown(
        page
    )


def test_a_plural_refusal_in_chinese(signed_in: Client, account: KeystoneAccount) -> None:
    floating_ip = FloatingIPFactory(project_id=account.project.id)
    PortForwardingFactory.create_batch(2, floating_ip=floating_ip, project_id=account.project.id)
    address = floating_ip.floating_ip_address

    page = signed_in.post(f"/network/floating-ips/{floating_ip.id}/release/", headers=HTMX)
    chinese = signed_in.post(
        f"/network/floating-ips/{floating_ip.id}/release/", headers=HTMX, **CHINESE
    )

    assert f"Floating IP {address} has 2 port forwardings" in shown(page)
    assert f"浮动 IP {address} 有 2 条端口转发" in shown(chinese)


def _in(language: str, message: Message | str) -> str:
    with translation.override(language):
        return str(message)


def test_operation_descriptions_are_messages_read_in_each_language(
    account: KeystoneAccount,
) -> None:
    project_id = account.project.id
    network = NetworkFactory(project_id=project_id, name=CHINESE_NAME)
    rule = SecurityGroupRuleFactory(project_id=project_id)
    network_delete = NetworkDeleteForm({}, project_id=project_id, obj=network)
    rule_delete = SecurityGroupRuleDeleteForm({}, project_id=project_id, obj=rule)
    assert network_delete.is_valid()
    assert rule_delete.is_valid()

    deleting_network = network_delete.operation_request().description
    deleting_rule = rule_delete.operation_request().description

    assert isinstance(deleting_network, Message)
    assert Message.from_json(deleting_network.as_json()) == deleting_network
    assert _in("en", deleting_network) == f"Delete network “{CHINESE_NAME}”"
    assert _in("zh-hans", deleting_network) == f"删除网络“{CHINESE_NAME}”"
    # The rule's summary is a Message inside the description, kept and read in the same language.
    assert isinstance(deleting_rule, Message)
    assert Message.from_json(json.loads(json.dumps(deleting_rule.as_json()))) == deleting_rule
    assert _in("en", deleting_rule) == "Delete rule “ingress IPv4 TCP 22 from 0.0.0.0/0”"
    assert _in("zh-hans", deleting_rule) == "删除规则“入方向 IPv4 TCP 22，来源：0.0.0.0/0”"
