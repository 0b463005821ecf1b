"""Answers to a signed-in user carry the project's data: the browser and any cache in between must
not keep them (`Cache-Control: no-store`); static files keep their caching."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]


@pytest.mark.parametrize(
    "path",
    [
        "/api/networks/",
        "/api/operations/",
        "/",
        "/network/networks/",
        "/project/api-access/clouds.yaml",
    ],
)
def test_answers_to_a_signed_in_user_are_never_stored(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)

    assert response.status_code == 200
    assert {"no-store", "private"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_static_files_and_anonymous_pages_keep_their_own_caching(signed_in: Client) -> None:
    static = signed_in.get("/static/css/dashboard.css")
    anonymous = Client().get("/api/networks/")

    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    assert anonymous.status_code == 403
    assert "no-store" not in anonymous.get("Cache-Control", "")
