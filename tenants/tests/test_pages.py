"""The layout, the sections still to come, and admin-only pages."""

import pytest
from django.test import Client

from dashboard.testing.fixtures import KeystoneAccount
from dashboard.web.navigation import NAVIGATION

pytestmark = [pytest.mark.django_db, pytest.mark.cloud]

MEMBER_PAGES = [
    "/",
    "/network/networks/",
    "/network/routers/",
    "/network/floating-ips/",
    "/network/security-groups/",
    "/network/topology/",
    "/compute/instances/",
    "/activity/",
    "/project/api-access/",
]


def test_pages_need_a_signed_in_user(client: Client) -> None:
    for url in [*MEMBER_PAGES, "/admin/quotas/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/auth/login/?next="), url


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_every_section_renders_for_a_member(signed_in: Client, url: str) -> None:
    response = signed_in.get(url)

    assert response.status_code == 200
    assert "Sign out" in response.content.decode()


def test_navigation_hides_admin_from_members(signed_in: Client) -> None:
    page = signed_in.get("/").content.decode()

    assert 'href="/network/routers/"' in page
    assert 'href="/admin/quotas/"' not in page
    assert signed_in.get("/admin/quotas/").status_code == 403


def test_admins_see_the_admin_section(client: Client, make_account) -> None:
    admin = make_account(roles=("admin",))
    client.post("/auth/login/", admin.credentials())

    page = client.get("/").content.decode()

    assert 'href="/admin/quotas/"' in page
    assert client.get("/admin/quotas/").status_code == 200


def test_every_navigation_link_resolves(signed_in: Client) -> None:
    page = signed_in.get("/").content.decode()
    member_items = [i for s in NAVIGATION if not s.admin_only for i in s.items]

    assert page.count('class="nav-link') == len(member_items)


def test_project_switcher_lists_the_users_projects(client: Client, make_account) -> None:
    account: KeystoneAccount = make_account(projects=2)
    client.post("/auth/login/", account.credentials())

    page = client.get("/").content.decode()

    for project in account.projects:
        assert f'action="/auth/project/{project.id}/"' in page


def test_pages_carry_a_content_security_policy(signed_in: Client) -> None:
    response = signed_in.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "cdn" not in response.content.decode().lower()


def test_health_check_answers_without_signing_in(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
