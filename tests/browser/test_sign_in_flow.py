"""A person signs in, switches project and downloads clouds.yaml, in Debian's Chromium."""

import re
from collections.abc import Callable

import pytest
import yaml
from playwright.sync_api import Page, expect

from dashboard.testing.fixtures import KeystoneAccount

pytestmark = [pytest.mark.browser, pytest.mark.cloud, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_project_and_download_clouds_yaml(
    page: Page, live_server, make_account: Callable[..., KeystoneAccount]
) -> None:
    account = make_account(projects=2)
    first, second = sorted(account.projects, key=lambda project: project.name)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/auth/login/\?next=/$"))
    page.get_by_label("User name").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Overview of project {first.name}")

    page.get_by_role("button", name=f"Current project: {first.name}").click()
    page.get_by_role("button", name=second.name, exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(f"now working in project “{second.name}”")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Overview of project {second.name}")

    page.get_by_role("link", name="API Access").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download clouds.yaml").click()
    download = download_info.value
    assert download.suggested_filename == "clouds.yaml"
    clouds = yaml.safe_load(download.path().read_text())
    auth = clouds["clouds"][second.name]["auth"]
    assert auth["project_id"] == second.id
    assert auth["username"] == account.username
    assert "password" not in auth

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("your Keystone token is revoked")
