"""The core's pages in the reader's language, and the scripts' catalog that costs a page nothing
after its first load."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from dashboard.web.forms import DescriptionField, LinesField, NameField
from dashboard.web.views import javascript_catalog_version

CHINESE = {"Accept-Language": "zh-hans"}


def catalog_url(page: str) -> str:
    found = re.search(r'<script src="(/jsi18n/[^"]+)" nonce="[^"]+" defer>', page)
    assert found, page
    return found.group(1)


@pytest.mark.django_db
def test_the_scripts_catalog_is_the_pages_language_kept_by_the_browser(signed_in: Client) -> None:
    version = javascript_catalog_version()
    chinese_page = signed_in.get("/activity/", headers=CHINESE).content.decode()
    english_page = signed_in.get("/activity/").content.decode()

    assert catalog_url(chinese_page) == f"/jsi18n/zh-hans/{version}.js"
    assert catalog_url(english_page) == f"/jsi18n/en/{version}.js"
    chinese = signed_in.get(catalog_url(chinese_page))
    english = signed_in.get(catalog_url(english_page))
    for catalog in (chinese, english):
        assert catalog.status_code == 200
        assert catalog["Content-Type"].startswith("text/javascript")
        cache_control = set(catalog["Cache-Control"].replace(" ", "").split(","))
        assert {"public", "max-age=31536000", "immutable"} <= cache_control
        assert "no-store" not in cache_control
    no_answer = json.dumps("控制台没有响应。请检查网络连接，然后重试。")
    assert no_answer in chinese.content.decode()
    assert no_answer not in english.content.decode()


@pytest.mark.django_db
def test_an_old_catalog_url_leads_to_the_current_one_and_others_are_not_found(
    client: Client,
) -> None:
    old = client.get("/jsi18n/zh-hans/000000000000.js")
    unknown = client.get(f"/jsi18n/fr/{javascript_catalog_version()}.js")

    assert old.status_code == 302
    assert old["Location"] == f"/jsi18n/zh-hans/{javascript_catalog_version()}.js"
    assert unknown.status_code == 404


@pytest.mark.django_db
def test_the_layout_and_a_missing_page_read_in_chinese(signed_in: Client) -> None:
    page = signed_in.get("/no-such-page/", headers=CHINESE)
    html = page.content.decode()

    assert page.status_code == 404
    assert "<title>未找到 · 自助云平台</title>" in html
    assert '<html lang="zh-hans"' in html
    for label in ("概览", "网络", "浮动 IP", "安全组", "实例", "密钥对", "操作记录", "退出登录"):
        assert f">{label}<" in html, label
    assert "此地址没有内容，或它属于您当前未使用的项目。" in html
    assert "Sign out" not in html
    assert "Not found" not in html


def test_shared_fields_refuse_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as control:
            NameField().clean("we\u0007b")
        with pytest.raises(ValidationError) as emoji:
            DescriptionField().clean("web 🙂")
        with pytest.raises(ValidationError) as long:
            LinesField(max_lines=2).clean("a\nb\nc")

    assert control.value.messages == [
        "云端不接受名称中的这些字符：U+0007。请使用字母、数字、空格和标点（不接受表情符号和控制字符）。"
    ]
    assert emoji.value.messages == [
        "云端无法保存这些字符：U+1F642（表情符号及其他超出 U+FFFF 的字符）。请删除它们。"
    ]
    assert long.value.messages == ["此处最多填写 2 行：云端不接受更多。"]
