"""Each user's own settings (language, time zone, page size, theme), kept across sessions and
applied to every page; the sign-in page's language, from the browser or its chooser."""

from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format

from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from tenants.models import User
from tenants.session import KeystoneSession

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

SETTINGS_URL = "/settings/"
CHINESE = {
    "language": "zh-hans",
    "time_zone": "Asia/Shanghai",
    "page_size": "10",
    "theme": "dark",
}


def user_of(account: KeystoneAccount) -> User:
    return User.objects.get(name=account.username, domain_name=account.domain)


def test_settings_page_shows_the_defaults(signed_in: Client) -> None:
    response = signed_in.get(SETTINGS_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Settings · " in page
    assert '<option value="" selected>From the browser</option>' in page
    assert '<option value="UTC" selected>UTC</option>' in page
    assert '<option value="Asia/Shanghai">Asia/Shanghai</option>' in page
    assert '<option value="25" selected>25</option>' in page
    assert '<option value="auto" selected>Follow the system</option>' in page
    assert 'data-bs-theme="auto"' in page
    # The colour mode is set by a static script, first in <head> and not deferred (no flash).
    head = page.split("</head>")[0]
    assert head.index('src="/static/js/theme.js"') < head.index("stylesheet")
    assert "<script>" not in page
    assert 'href="/settings/"' in signed_in.get("/").content.decode()


def test_settings_posted_by_htmx_reload_the_whole_page(signed_in: Client) -> None:
    response = signed_in.post(SETTINGS_URL, {**CHINESE, "theme": "light"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Redirect"] == SETTINGS_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert 'data-bs-theme="light"' in signed_in.get(SETTINGS_URL).content.decode()


def test_settings_are_saved_and_apply_to_every_page(
    signed_in: Client, account: KeystoneAccount
) -> None:
    response = signed_in.post(SETTINGS_URL, CHINESE)

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user = user_of(account)
    assert (user.language, user.time_zone, user.page_size, user.theme) == (
        "zh-hans",
        "Asia/Shanghai",
        10,
        "dark",
    )
    # The confirmation is in the new language.
    assert "设置已保存。" in shown(signed_in.get(response["Location"]))
    # The browser asks for English; the user's own language wins.
    overview = signed_in.get("/", HTTP_ACCEPT_LANGUAGE="en")
    page = shown(overview)
    assert overview["Content-Language"] == "zh-hans"
    assert "<title>概览 · " in page
    assert 'data-bs-theme="dark"' in page
    # Times in the user's zone and language, the UTC time on hover.
    keystone = KeystoneSession.load(signed_in.session)
    assert keystone is not None
    with translation.override("zh-hans"):
        local = date_format(
            keystone.ends_at.astimezone(ZoneInfo("Asia/Shanghai")), "DATETIME_FORMAT"
        )
    assert f">{local}</time>" in page
    assert keystone.ends_at.strftime("%Y-%m-%d %H:%M:%S UTC") in page
    # Lists show the user's page size.
    listing = signed_in.get("/network/networks/")
    assert listing.context["table"].paginator.per_page == 10
    assert signed_in.get("/network/networks/?per_page=50").context["table"].paginator.per_page == 50


def test_the_users_row_is_read_once_and_a_change_applies_to_every_session_at_once(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """Pages take the signed-in user's row from the cache (`KeystoneBackend.get_user`); saving
    the row in another session clears it, and the next page of this one shows the change."""
    signed_in.get("/")
    with CaptureQueriesContext(connection) as read:
        assert signed_in.get("/").status_code == 200
    other_session = Client()
    assert other_session.post("/auth/login/", account.credentials()).status_code == 302

    assert other_session.post(SETTINGS_URL, CHINESE).status_code == 302

    assert not [query for query in read if "tenants_user" in query["sql"]]
    overview = signed_in.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert overview["Content-Language"] == "zh-hans"
    assert 'data-bs-theme="dark"' in overview.content.decode()


def test_settings_are_kept_across_sign_out_and_sign_in(
    signed_in: Client, account: KeystoneAccount
) -> None:
    signed_in.post(SETTINGS_URL, CHINESE)
    signed_in.post("/auth/logout/")

    sign_in_page = signed_in.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<title>登录 · " in shown(sign_in_page)

    fresh = Client()
    response = fresh.post("/auth/login/", account.credentials(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    # The new browser's sign-in page follows from now on.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = shown(fresh.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<title>概览 · " in page
    assert 'data-bs-theme="dark"' in page


def test_from_the_browser_follows_accept_language_and_clears_the_cookie(
    signed_in: Client,
) -> None:
    signed_in.post(SETTINGS_URL, CHINESE)
    response = signed_in.post(SETTINGS_URL, {**CHINESE, "language": ""})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert "<title>Overview · " in shown(signed_in.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<title>概览 · " in shown(signed_in.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"))


def test_bad_values_are_a_400_that_says_what_is_wrong(
    signed_in: Client, account: KeystoneAccount
) -> None:
    response = signed_in.post(
        SETTINGS_URL,
        {"language": "fr", "time_zone": "Mars/Olympus", "page_size": "7", "theme": "pink"},
    )

    page = shown(response)
    assert response.status_code == 400
    assert "“fr” is not a language this dashboard speaks." in page
    assert "“Mars/Olympus” is not a time zone." in page
    assert "“7” is not a page size. Choose 10, 25, 50 or 100." in page
    assert "“pink” is not a theme." in page
    user = user_of(account)
    assert (user.language, user.time_zone, user.page_size, user.theme) == ("", "UTC", 25, "auto")
    # The page itself is still in the user's (unchanged) theme.
    assert 'data-bs-theme="auto"' in page


def test_missing_values_are_a_400_too(signed_in: Client) -> None:
    response = signed_in.post(SETTINGS_URL, {"language": "en"})

    assert response.status_code == 400
    assert shown(response).count("This field is required.") == 3


def test_settings_need_a_signed_in_user(client: Client) -> None:
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/?next=")


def test_sign_in_page_follows_the_browsers_language(client: Client) -> None:
    english = shown(client.get("/auth/login/"))
    chinese = shown(client.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8"))

    assert "<title>Sign in · " in english
    assert "<title>登录 · " in chinese
    assert ">用户名</label>" in chinese
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in chinese


def test_sign_in_page_language_chooser_sets_the_cookie(client: Client) -> None:
    response = client.post("/auth/language/", {"language": "zh-hans", "next": "/auth/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/auth/login/"
    assert "<title>登录 · " in shown(client.get("/auth/login/", HTTP_ACCEPT_LANGUAGE="en"))


def test_sign_in_language_chooser_needs_the_csrf_token(account: KeystoneAccount) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/auth/language/", {"language": "zh-hans", "next": "/auth/login/"})

    assert response.status_code == 403


def test_sign_in_refusal_in_chinese_is_one_message_for_every_wrong_part(
    client: Client, account: KeystoneAccount
) -> None:
    wrong_password = {**account.credentials(), "password": "not-the-password"}
    unknown_domain = {**account.credentials(), "domain": "no-such-domain"}

    pages = [
        shown(client.post("/auth/login/", data, HTTP_ACCEPT_LANGUAGE="zh-hans"))
        for data in (wrong_password, unknown_domain)
    ]

    assert "用户名、密码或域不正确" in pages[0]
    assert (
        pages[0].split('role="alert">')[1].split("<")[0]
        == (pages[1].split('role="alert">')[1].split("<")[0])
    )
