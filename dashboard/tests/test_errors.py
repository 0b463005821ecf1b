"""Cloud failures become messages that say what failed, why, what to do, and the request id.

Built from real HTTP responses as the cloud sends them (status, headers, JSON body); the cloud's
own behaviour is covered by the tests that call it.
"""

import json
import pickle
from typing import Any

import pytest
import requests
from django.utils import translation
from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from dashboard.cloud.errors import (
    CloudConflict,
    CloudError,
    CloudForbidden,
    CloudNotFound,
    CloudTimeout,
    CloudTransientError,
    CloudUnauthorized,
    CloudUnreachable,
    translate,
    translated,
)


def neutron_response(status: int, error_type: str, message: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers["x-openstack-request-id"] = "req-1234"
    response.headers["Content-Type"] = "application/json"
    body = {"NeutronError": {"type": error_type, "message": message, "detail": ""}}
    response._content = json.dumps(body).encode()
    return response


def test_neutron_conflict_keeps_type_message_and_request_id() -> None:
    response = neutron_response(409, "IpAddressInUse", "IP 10.0.0.5 is already allocated.")
    exc = sdk_exceptions.ConflictException(response=response)

    error = translate(exc, doing="create port 'web'", service="Neutron")

    assert isinstance(error, CloudConflict)
    assert error.error_type == "IpAddressInUse"
    assert error.request_id == "req-1234"
    assert str(error) == (
        "Could not create port 'web': it conflicts with the object's current state. "
        "The cloud says: IP 10.0.0.5 is already allocated. (Neutron 409, req-1234)"
    )


def test_policy_refusal_says_to_ask_an_administrator() -> None:
    response = neutron_response(403, "PolicyNotAuthorized", "rule:create_router is disallowed")
    exc = sdk_exceptions.ForbiddenException(response=response)

    error = translate(exc, doing="create router 'edge'", service="Neutron")

    assert isinstance(error, CloudForbidden)
    assert "Ask a cloud administrator" in str(error)


def test_server_errors_are_transient() -> None:
    response = neutron_response(503, "ServiceUnavailable", "try later")

    error = translate(sdk_exceptions.HttpException(response=response), doing="list networks")

    assert isinstance(error, CloudTransientError)
    assert "failed on its side" in str(error)


@pytest.mark.parametrize(
    ("exc", "expected", "phrase"),
    [
        (ksa_exceptions.ConnectFailure("refused"), CloudUnreachable, "cannot be reached"),
        (ksa_exceptions.ConnectTimeout("slow"), CloudTimeout, "did not answer in time"),
    ],
)
def test_connection_failures_are_transient(
    exc: Exception, expected: type[CloudError], phrase: str
) -> None:
    with pytest.raises(expected, match=phrase), translated(doing="sign you in", service="Keystone"):
        raise exc


KEYSTONE_TOKENS = "http://127.0.0.1:5000/v3/auth/tokens"


def test_keystone_unreachable_while_calling_another_service_names_keystone(settings: Any) -> None:
    """Every call first has Keystone check the token: Keystone down is not Neutron down."""
    settings.OPENSTACK_AUTH_URL = "http://127.0.0.1:5000/v3"
    exc = ksa_exceptions.ConnectFailure(
        f"Unable to establish connection to {KEYSTONE_TOKENS}: Connection refused"
    )
    neutron_down = ksa_exceptions.ConnectFailure(
        "Unable to establish connection to http://127.0.0.1:9696/v2.0/networks: refused"
    )

    error = translate(exc, doing="create network “web”", service="Neutron")

    assert isinstance(error, CloudUnreachable)
    assert str(error).startswith("Could not create network “web”: Keystone cannot be reached.")
    assert "Neutron cannot be reached" in str(
        translate(neutron_down, doing="create network “web”", service="Neutron")
    )


def test_a_token_keystone_no_longer_knows_says_sign_in_again(settings: Any) -> None:
    """A revoked or expired token: Keystone's token check answers 404 (not the object's)."""
    settings.OPENSTACK_AUTH_URL = "http://127.0.0.1:5000/v3"
    gone = ksa_exceptions.NotFound(
        "Could not find token", url=KEYSTONE_TOKENS, http_status=404, request_id="req-9"
    )
    network_gone = sdk_exceptions.NotFoundException(
        response=neutron_response(404, "NetworkNotFound", "Network x could not be found.")
    )

    error = translate(gone, doing="create network “web”", service="Neutron")

    assert isinstance(error, CloudUnauthorized)
    assert "Sign in again" in str(error)
    assert str(error).endswith("(Keystone 404, req-9)")
    assert isinstance(
        translate(network_gone, doing="delete network", service="Neutron"), CloudNotFound
    )


def test_quota_exhaustion_says_what_to_do() -> None:
    response = neutron_response(409, "OverQuota", "Quota exceeded for resources: ['network'].")

    error = translate(sdk_exceptions.ConflictException(response=response), doing="create network")

    assert isinstance(error, CloudConflict)
    assert "quota for it is used up" in str(error)
    assert "Quota exceeded for resources: ['network']." in str(error)


def test_a_cloud_error_reads_in_each_language_and_pickles_in_english() -> None:
    response = neutron_response(409, "RouterInUse", "Router r1 still has ports.")
    exc = sdk_exceptions.ConflictException(response=response)

    with translation.override("zh-hans"):
        error = translate(exc, doing="sign you in", service="Neutron")
        chinese = str(error)
    copy = pickle.loads(pickle.dumps(error))

    assert chinese == (
        "无法为您登录：它仍有接口。请先在路由器页面移除这些接口，然后再删除它。"
        "云端返回：Router r1 still has ports.（Neutron 409, req-1234）"
    )
    assert (
        str(copy)
        == str(error)
        == (
            "Could not sign you in: it still has interfaces. Remove them on the router's page "
            "first, then delete it. The cloud says: Router r1 still has ports. "
            "(Neutron 409, req-1234)"
        )
    )
