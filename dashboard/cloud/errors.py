"""One place that turns openstacksdk and keystoneauth failures into errors a user can act on.

Failures are classified by HTTP status code (and, for Neutron, its error `type`), never by
matching English text. Connection failures have no status code, so they are told apart by the
keystoneauth base class that raised them. Each message says what failed, why and what to do, and
ends with the OpenStack request id when the cloud gave one.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from dashboard.logging import mask_tokens


class CloudError(Exception):
    """A failed cloud call; `str()` is the message to show the user."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        error_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.error_type = error_type


class CloudTransientError(CloudError):
    """Worth retrying: the cloud could not be reached, timed out or failed on its side (5xx)."""


class CloudUnreachable(CloudTransientError):
    """Nothing answered at the service's address."""


class CloudTimeout(CloudTransientError):
    """The service accepted the connection but did not answer in time."""


class CloudPermanentError(CloudError):
    """The request itself was refused (4xx); retrying the same request cannot help."""


class CloudUnauthorized(CloudPermanentError):
    """Keystone did not accept the credentials or the token (401)."""


class CloudForbidden(CloudPermanentError):
    """The cloud's policy does not allow this user to do this (403)."""


class CloudNotFound(CloudPermanentError):
    """The object does not exist, or is not visible to this project (404)."""


class CloudConflict(CloudPermanentError):
    """The change conflicts with the object's current state (409)."""


_PERMANENT_BY_STATUS: dict[int, tuple[type[CloudPermanentError], str]] = {
    401: (CloudUnauthorized, "the cloud did not accept your credentials. Sign in again"),
    403: (
        CloudForbidden,
        "the cloud's policy does not allow this for your role. Ask a cloud administrator",
    ),
    404: (CloudNotFound, "it no longer exists or is not visible to this project. Reload the page"),
    409: (CloudConflict, "it conflicts with the object's current state"),
}


# Neutron's error types that deserve their own advice (its `NeutronError.type`).
_ADVICE_BY_NEUTRON_TYPE = {
    "OverQuota": "your project's quota for it is used up. Delete what you no longer need, "
    "or ask a cloud administrator for a larger quota (the Overview shows usage)",
    "IpAddressAlreadyAllocated": "the address is taken. Choose another address, or give only "
    "the subnet to get a free one",
    # Neutron answers 404 for it: it is the external network that is not found from the port.
    "ExternalGatewayForFloatingIPNotFound": "the port's subnet is not reachable from the "
    "floating IP's external network. Add the subnet as an interface of a router whose gateway "
    "is on that external network, then try again",
    "FloatingIPPortAlreadyAssociated": "that address of the port already has a floating IP. "
    "Disassociate that floating IP first, or choose another address",
    "FipInUseByPortForwarding": "the floating IP has port forwarding rules, and Neutron maps a "
    "floating IP either to one port or through port forwardings, not both. Delete its port "
    "forwardings first",
    "PortHasBindingFloatingIP": "that address of the port already has a floating IP of its own. "
    "Disassociate that floating IP first, or forward to another port",
    "RevisionNumberConstraintFailed": "it was changed by someone else since the page showed it. "
    "Reload the page and make the change again",
    "NetworkInUse": "ports are still in use on it. Delete them, or detach them from their "
    "instances and routers (the network's page lists its ports), then try again",
    "SubnetInUse": "ports still have addresses on it (router interfaces or instances). Remove "
    "those interfaces and ports first (the network's page lists them), then try again",
    "GatewayIpInUse": "a port already uses that gateway address. Choose another gateway "
    "address, or delete that port first",
    "GatewayConflictWithAllocationPools": "the gateway address lies in an allocation pool. Move "
    "the gateway out of the pools, or shrink the pools",
    "OverlappingAllocationPools": "two allocation pools overlap. Make them separate ranges",
    "SecurityGroupInUse": "ports still use the security group. Remove it from those ports (or "
    "delete them) first, then try again",
    "SecurityGroupCannotRemoveDefault": "Neutron keeps a default security group in every "
    "project and it cannot be deleted. Remove the rules you do not want from it instead",
    "SecurityGroupCannotUpdateDefault": "the default security group cannot be renamed. Change "
    "only its description",
    "SecurityGroupRuleExists": "the security group already has this rule (the cloud gives its "
    "id). Keep that rule, or change this one so it differs",
    "RouterInUse": "it still has interfaces. Remove them on the router's page first, then "
    "delete it",
    "RouterExternalGatewayInUseByFloatingIp": "floating IPs reach their ports through this "
    "gateway. Disassociate them on the Floating IPs page first, then change the gateway",
    "RouterInterfaceInUseByFloatingIP": "floating IPs reach ports on that subnet through this "
    "router. Disassociate them on the Floating IPs page first, then remove the interface",
    "RouterInterfaceInUseByRoute": "a static route of the router has its next hop on that "
    "subnet. Remove that route first (the router's page lists them), then the interface",
    "InvalidRoutes": "Neutron does not accept the route: the next hop must be an address on "
    "one of the router's interface subnets, and not the router's own address",
}


def _suffix(service: str | None, status_code: int | None, request_id: str | None) -> str:
    """ " (Neutron 409, req-...)": who answered what, and the request id to quote to operators."""
    label = " ".join(part for part in (service, str(status_code) if status_code else "") if part)
    parts = [part for part in (label, request_id) if part]
    return f" ({', '.join(parts)})" if parts else ""


def _http_details(exc: Exception) -> tuple[int | None, str | None, str | None, str]:
    """Status code, request id, Neutron error type and the cloud's own message of an HTTP error."""
    if isinstance(exc, sdk_exceptions.HttpException):
        status, request_id, detail = exc.status_code, exc.request_id, exc.details or ""
        response = exc.response
    else:
        assert isinstance(exc, ksa_exceptions.HttpError)
        status, request_id, detail = exc.http_status, exc.request_id, exc.message or ""
        response = exc.response
    error_type = None
    if response is not None:
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("NeutronError"), dict):
            error_type = body["NeutronError"].get("type")
            detail = body["NeutronError"].get("message") or detail
    # Keystone quotes the token it could not find; that must not reach the user or the logs.
    return status, request_id, error_type, mask_tokens(str(detail).strip())


def translate(
    exc: Exception,
    *,
    doing: str,
    service: str | None = None,
    advice: Mapping[int, str] | None = None,
) -> CloudError:
    """The CloudError for an SDK or keystoneauth exception raised while `doing` something;
    `advice` replaces the reason of a status code that means one thing at the call site (Nova
    answers a server create that exceeds the quota with 403, as it does a policy refusal)."""
    what = f"Could not {doing}"
    if isinstance(exc, ksa_exceptions.ConnectTimeout):
        return CloudTimeout(
            f"{what}: {service or 'the cloud'} did not answer in time. "
            "It may be overloaded; try again in a moment."
        )
    if isinstance(exc, ksa_exceptions.ConnectionError):
        return CloudUnreachable(
            f"{what}: {service or 'the cloud'} cannot be reached. "
            "Try again later, or ask the cloud's operators whether it is down."
        )
    if isinstance(exc, sdk_exceptions.HttpException | ksa_exceptions.HttpError):
        status, request_id, error_type, detail = _http_details(exc)
        suffix = _suffix(service, status, request_id)
        cloud_says = f" The cloud says: {detail}" if detail else ""
        if status is not None and status >= 500:
            return CloudTransientError(
                f"{what}: {service or 'the cloud'} failed on its side. Try again in a moment."
                f"{cloud_says}{suffix}",
                status_code=status,
                request_id=request_id,
                error_type=error_type,
            )
        error_class, why = _PERMANENT_BY_STATUS.get(
            status or 400, (CloudPermanentError, "the cloud refused the request")
        )
        why = (advice or {}).get(status or 400, why)
        why = _ADVICE_BY_NEUTRON_TYPE.get(error_type or "", why)
        return error_class(
            f"{what}: {why}.{cloud_says}{suffix}",
            status_code=status,
            request_id=request_id,
            error_type=error_type,
        )
    return CloudError(f"{what}: unexpected error from the cloud ({type(exc).__name__}).")


def restated(
    error: CloudError,
    *,
    doing: str,
    why: str,
    service: str | None = None,
    error_class: type[CloudError] | None = None,
) -> CloudError:
    """`error` said again with a reason the caller worked out itself, typically from the object's
    state read after the refusal (Nova's 409s carry no error type); keeps its status code and
    request id. `error_class` changes how it is handled (a busy server is worth a retry)."""
    return (error_class or type(error))(
        f"Could not {doing}: {why}.{_suffix(service, error.status_code, error.request_id)}",
        status_code=error.status_code,
        request_id=error.request_id,
        error_type=error.error_type,
    )


@contextmanager
def translated(
    *, doing: str, service: str | None = None, advice: Mapping[int, str] | None = None
) -> Iterator[None]:
    """Run cloud calls, re-raising their failures as CloudError with an actionable message."""
    try:
        yield
    except CloudError:
        raise
    except (sdk_exceptions.SDKException, ksa_exceptions.ClientException) as exc:
        raise translate(exc, doing=doing, service=service, advice=advice) from exc
