"""The live reads of a server when Nova refuses them: the page still renders from the mirror,
and each lazy-loaded box says why Nova could not answer. (A console link, console log and action
log read from a real server are in test_launch.py, which launches one.)"""

from typing import Any

import pytest
from django.test import Client

from dashboard.testing.fixtures import KeystoneAccount
from instances.factories import ServerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}
GONE = "it no longer exists or is not visible to this project. Reload the page"


def test_live_reads_explain_a_refusal_and_the_page_still_renders(
    signed_in: Client, account: KeystoneAccount
) -> None:
    """A mirror row of a server Nova no longer has (deleted outside the dashboard, the mirror
    not yet swept): Nova answers each live read with a real 404, which each box explains."""
    server = ServerFactory(project_id=account.project.id, name="web")
    base = f"/compute/instances/{server.id}"

    page = signed_in.get(f"{base}/")
    console = signed_in.post(f"{base}/console/", headers=HTMX).content.decode()
    console_log = signed_in.get(f"{base}/console-log/", headers=HTMX).content.decode()
    action_log = signed_in.get(f"{base}/action-log/", headers=HTMX).content.decode()
    download = signed_in.get(f"{base}/console-log/download/")
    api = signed_in.get(f"/api/servers/{server.id}/console-log/")

    assert page.status_code == 200
    assert "Could not open a console on server “web”" in console
    assert GONE in console
    assert "(Nova 404, req-" in console
    assert "Could not read the console log of server “web”" in console_log
    assert 'class="alert alert-warning' in console_log
    assert 'hx-trigger="load"' not in console_log  # an answer, even a refusal, ends the loading
    assert "Could not read the action log of server “web”" in action_log
    assert download.status_code == 502
    assert GONE in download.content.decode()
    assert api.status_code == 502
    assert GONE in api.json()["detail"]


def test_console_link_of_a_server_that_is_not_in_this_project_is_not_minted(
    signed_in: Client, no_cloud_calls: Any
) -> None:
    theirs = ServerFactory(project_id="another-project-id")

    response = signed_in.post(f"/compute/instances/{theirs.id}/console/", headers=HTMX)

    assert response.status_code == 404
