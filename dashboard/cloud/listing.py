"""Neutron listings read as plain dicts, for attributes openstacksdk's resources drop."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

from openstack import exceptions as sdk_exceptions


def neutron_listing(*, conn: Any, collection: str, **params: Any) -> list[dict[str, Any]]:
    """Every object of a Neutron collection (`floatingips`) matching `params`, as Neutron's JSON
    has it, following the next links of a paged answer. Raises openstacksdk's HttpException
    (call it inside `dashboard.cloud.errors.translated`)."""
    objects: list[dict[str, Any]] = []
    query: dict[str, Any] = dict(params)
    while True:
        response = conn.network.get(f"/{collection}", params=query)
        sdk_exceptions.raise_from_response(response)
        body = response.json()
        objects.extend(body.get(collection, []))
        following = [
            link["href"] for link in body.get(f"{collection}_links", []) if link["rel"] == "next"
        ]
        if not following or not body.get(collection):
            return objects
        query = {**params, "marker": parse_qs(urlsplit(following[0]).query)["marker"][0]}
