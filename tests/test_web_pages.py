"""What every page does, whatever its section: a whole page never lands inside another, refusals
and errors reach the page they were sent from, a page of an object the user deleted goes back to
its list, names cannot reorder the page, and the page has its chrome (skip link, favicon)."""

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from django_htmx.middleware import HtmxMiddleware

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.pages import shown
from dashboard.testing.resources import HTMX
from dashboard.web.middleware import FullPageMiddleware
from networks.factories import NetworkFactory, RouterFactory

RLO = "\u202e"
FOCUSABLE = re.compile(r'<(a|button|select|textarea|input(?! type="hidden"))\b[^>]*>')
PAGE = "<!doctype html><html><body><nav>menu</nav><main>page</main></body></html>"


def _through_the_middleware(request: HttpRequest, body: str) -> HttpResponse:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(body)

    return HtmxMiddleware(FullPageMiddleware(view))(request)  # type: ignore[arg-type,return-value]


def test_a_whole_page_answering_an_htmx_get_replaces_the_body_not_the_target() -> None:
    request = RequestFactory().get("/network/networks/abc/", headers={**HTMX, "HX-Target": "t"})

    response = _through_the_middleware(request, PAGE)

    assert response["HX-Retarget"] == "body"
    assert response["HX-Reswap"] == "innerHTML"
    assert response["HX-Push-Url"] == "/network/networks/abc/"


def test_partials_and_plain_requests_pass_untouched() -> None:
    partial = _through_the_middleware(
        RequestFactory().get("/network/networks/", headers=HTMX), "<div id='object-table'></div>"
    )
    plain = _through_the_middleware(RequestFactory().get("/network/networks/"), PAGE)

    assert "HX-Retarget" not in partial
    assert "HX-Retarget" not in plain


@pytest.mark.django_db
@pytest.mark.cloud
def test_links_in_a_lists_rows_open_their_page_while_sort_links_reload_the_table(
    signed_in: Client, account: KeystoneAccount
) -> None:
    NetworkFactory(project_id=account.project.id, name="blue")

    table = signed_in.get("/network/networks/", headers=HTMX).content.decode()

    # hx-boost (in object_list.html) is for the header's and the pager's links only.
    assert '<tbody hx-boost="false"' in table


@pytest.mark.django_db
@pytest.mark.cloud
def test_an_invalid_post_from_a_button_elsewhere_shows_its_errors_in_the_messages_area(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(project_id=account.project.id, name="edge")

    # The router page's "Remove" button on an interface the router does not have.
    response = signed_in.post(
        f"/network/routers/{router.id}/interfaces/remove/", {"port_id": "nope"}, headers=HTMX
    )

    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"].startswith("innerHTML")
    assert 'role="alert"' in response.content.decode()
    assert not Operation.objects.exists()


def _finished_delete(project_id: str, target_id: str) -> Operation:
    return Operation.objects.create(
        action="networks.router_delete",
        description="Delete router “edge”",
        target_type="router",
        target_id=target_id,
        project_id=project_id,
        user_id="u",
        user_name="someone",
        status=Operation.Status.SUCCEEDED,
        finished_at=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.cloud
def test_the_page_of_an_object_the_user_deleted_goes_back_to_its_list(
    signed_in: Client, account: KeystoneAccount
) -> None:
    router = RouterFactory(project_id=account.project.id, name="edge")
    operation = _finished_delete(account.project.id, str(router.id))
    url = f"/operations/{operation.id}/"

    from_its_page = signed_in.get(
        url, headers={**HTMX, "HX-Current-URL": f"http://testserver/network/routers/{router.id}/"}
    )
    from_the_list = signed_in.get(
        url, headers={**HTMX, "HX-Current-URL": "http://testserver/network/routers/"}
    )

    assert from_its_page["HX-Redirect"] == "/network/routers/"
    assert "Done: Delete router “edge”" in shown(signed_in.get("/network/routers/"))
    assert "HX-Redirect" not in from_the_list
    assert 'data-status="succeeded"' in from_the_list.content.decode()


@pytest.mark.django_db
@pytest.mark.cloud
def test_a_name_with_a_right_to_left_override_is_isolated(
    signed_in: Client, account: KeystoneAccount
) -> None:
    network = NetworkFactory(project_id=account.project.id, name=f"{RLO}evil")

    page = signed_in.get(f"/network/networks/{network.id}/").content.decode()

    assert f"<bdi>{RLO}evil</bdi>" in page
    # Outside a <bdi>, the name appears only between Unicode's isolate controls (page title,
    # confirmation text), which end its override there.
    assert page.count(RLO) == page.count(f"<bdi>{RLO}") + page.count(f"\u2068{RLO}evil\u2069")


@pytest.mark.django_db
@pytest.mark.cloud
def test_activity_isolates_what_each_operation_names(
    signed_in: Client, account: KeystoneAccount
) -> None:
    operation = _finished_delete(account.project.id, "abc")
    operation.description = f"Delete router “{RLO}evil”"
    operation.save()

    page = signed_in.get("/activity/").content.decode()

    # The whole description, and the name inside it: the override ends with the name.
    assert f"<bdi>Delete router “<bdi>{RLO}evil</bdi>”</bdi>" in page


def test_every_page_has_a_skip_link_first_and_a_favicon(client: Client) -> None:
    page = client.get("/auth/login/").content.decode()
    favicon = client.get("/favicon.ico")

    body = page[page.index("<body") :]
    first_focusable = FOCUSABLE.search(body)
    assert first_focusable is not None
    assert 'href="#main"' in first_focusable.group()
    assert 'id="main"' in page
    assert 'rel="icon"' in page
    assert favicon.status_code == 301
    assert client.get(favicon["Location"]).status_code == 200
