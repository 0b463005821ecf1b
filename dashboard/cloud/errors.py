"""One place that turns openstacksdk and keystoneauth failures into errors a user can act on.

Failures are classified by HTTP status code (and, for Neutron, its error `type`), never by
matching English text. Connection failures have no status code, so they are told apart by the
keystoneauth base class that raised them. A call to any service first has Keystone check its
token: a failure at Keystone's address (down, or the token expired or revoked) is said to be
Keystone's, not the service's. Each message says what failed, why and what to do, and
ends with the OpenStack request id when the cloud gave one. Messages are `Message`s, rendered in
the reader's language when read (an operation keeps its failure); what the cloud said, service
names and request ids are parameters, never translated.
"""

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from dashboard.i18n import Message, gettext_noop
from dashboard.logging import mask_tokens

# What the dashboard was doing: a Message ("create router “%(name)s”"), or a text without
# parameters (marked with gettext_noop; shown as it is when the catalog has no translation).
type Doing = Message | str


class CloudError(Exception):
    """A failed cloud call; `message` says it in any language, `str()` in the active one."""

    def __init__(
        self,
        message: Message | str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        error_type: str | None = None,
    ) -> None:
        self.message = Message.of(message)
        with translation.override(None):  # the English text, for logs and pickled copies
            super().__init__(str(self.message))
        self.status_code = status_code
        self.request_id = request_id
        self.error_type = error_type

    def __str__(self) -> str:
        return str(self.message)


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
    401: (
        CloudUnauthorized,
        gettext_noop("the cloud did not accept your credentials. Sign in again"),
    ),
    403: (
        CloudForbidden,
        gettext_noop(
            "the cloud's policy does not allow this for your role. Ask a cloud administrator"
        ),
    ),
    404: (
        CloudNotFound,
        gettext_noop("it no longer exists or is not visible to this project. Reload the page"),
    ),
    409: (CloudConflict, gettext_noop("it conflicts with the object's current state")),
}


# Neutron's error types that deserve their own advice (its `NeutronError.type`).
_ADVICE_BY_NEUTRON_TYPE: dict[str, str] = {
    "OverQuota": gettext_noop(
        "your project's quota for it is used up. Delete what you no longer need, "
        "or ask a cloud administrator for a larger quota (the Overview shows usage)"
    ),
    "IpAddressAlreadyAllocated": gettext_noop(
        "the address is taken. Choose another address, or give only the subnet to get a free one"
    ),
    # Neutron answers 404 for it: it is the external network that is not found from the port.
    "ExternalGatewayForFloatingIPNotFound": gettext_noop(
        "the port's subnet is not reachable from the "
        "floating IP's external network. Add the subnet as an interface of a router whose gateway "
        "is on that external network, then try again"
    ),
    "FloatingIPPortAlreadyAssociated": gettext_noop(
        "that address of the port already has a floating IP. "
        "Disassociate that floating IP first, or choose another address"
    ),
    "FipInUseByPortForwarding": gettext_noop(
        "the floating IP has port forwarding rules, and Neutron maps a "
        "floating IP either to one port or through port forwardings, not both. Delete its port "
        "forwardings first"
    ),
    "PortHasBindingFloatingIP": gettext_noop(
        "that address of the port already has a floating IP of its own. "
        "Disassociate that floating IP first, or forward to another port"
    ),
    "RevisionNumberConstraintFailed": gettext_noop(
        "it was changed by someone else since the page showed it. "
        "Reload the page and make the change again"
    ),
    "NetworkInUse": gettext_noop(
        "ports are still in use on it. Delete them, or detach them from their "
        "instances and routers (the network's page lists its ports), then try again"
    ),
    "SubnetInUse": gettext_noop(
        "ports still have addresses on it (router interfaces or instances). Remove "
        "those interfaces and ports first (the network's page lists them), then try again"
    ),
    "GatewayIpInUse": gettext_noop(
        "a port already uses that gateway address. Choose another gateway "
        "address, or delete that port first"
    ),
    "GatewayConflictWithAllocationPools": gettext_noop(
        "the gateway address lies in an allocation pool. Move "
        "the gateway out of the pools, or shrink the pools"
    ),
    "OverlappingAllocationPools": gettext_noop(
        "two allocation pools overlap. Make them separate ranges"
    ),
    "SecurityGroupInUse": gettext_noop(
        "ports still use the security group. Remove it from those ports (or "
        "delete them) first, then try again"
    ),
    "SecurityGroupCannotRemoveDefault": gettext_noop(
        "Neutron keeps a default security group in every "
        "project and it cannot be deleted. Remove the rules you do not want from it instead"
    ),
    "SecurityGroupCannotUpdateDefault": gettext_noop(
        "the default security group cannot be renamed. Change only its description"
    ),
    "SecurityGroupRuleExists": gettext_noop(
        "the security group already has this rule (the cloud gives its "
        "id). Keep that rule, or change this one so it differs"
    ),
    "RouterInUse": gettext_noop(
        "it still has interfaces. Remove them on the router's page first, then delete it"
    ),
    "RouterExternalGatewayInUseByFloatingIp": gettext_noop(
        "floating IPs reach their ports through this "
        "gateway. Disassociate them on the Floating IPs page first, then change the gateway"
    ),
    "RouterInterfaceInUseByFloatingIP": gettext_noop(
        "floating IPs reach ports on that subnet through this "
        "router. Disassociate them on the Floating IPs page first, then remove the interface"
    ),
    "RouterInterfaceInUseByRoute": gettext_noop(
        "a static route of the router has its next hop on that "
        "subnet. Remove that route first (the router's page lists them), then the interface"
    ),
    "InvalidRoutes": gettext_noop(
        "Neutron does not accept the route: the next hop must be an address on "
        "one of the router's interface subnets, and not the router's own address"
    ),
}


# Translators: the one shape of a cloud failure. %(doing)s says what (“create router “web””),
# %(why)s why and what to do; %(cloud_says)s is empty or the cloud's own words (“ The cloud says:
# …”), %(suffix)s empty or “ (Neutron 409, req-…)”.
_FAILED = gettext_noop("Could not %(doing)s: %(why)s.%(cloud_says)s%(suffix)s")
# Translators: follows a sentence; %(detail)s is the cloud's own message, in English.
_CLOUD_SAYS = gettext_noop(" The cloud says: %(detail)s")
# Translators: stands for the service's name when it is not known.
_THE_CLOUD = gettext_noop("the cloud")


def could_not(
    doing: Doing, why: Message | str, *, detail: str = "", suffix: Message | str = ""
) -> Message:
    """The one shape of a failure: what failed, why and what to do (`why`), then the cloud's
    own words (`detail`) and who answered with the request id (`suffix`), both verbatim."""
    cloud_says = Message(_CLOUD_SAYS, {"detail": detail}) if detail else ""
    return Message(
        _FAILED,
        {
            "doing": Message.of(doing),
            "why": Message.of(why),
            "cloud_says": cloud_says,
            "suffix": suffix,
        },
    )


def _service(service: str | None) -> Message | str:
    return service or Message(_THE_CLOUD)


# Translators: follows a sentence; %(answer)s is who answered what and the request id, as they
# are (“Neutron 409, req-…”).
_ANSWERED = gettext_noop(" (%(answer)s)")


def _suffix(service: str | None, status_code: int | None, request_id: str | None) -> Message | str:
    """ " (Neutron 409, req-...)": who answered what, and the request id to quote to operators."""
    label = " ".join(part for part in (service, str(status_code) if status_code else "") if part)
    parts = [part for part in (label, request_id) if part]
    return Message(_ANSWERED, {"answer": ", ".join(parts)}) if parts else ""


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


KEYSTONE = "Keystone"


def _failing_url(exc: Exception) -> str | None:
    """The URL of the failed request: HTTP errors carry it; keystoneauth's connection failures
    only name it in their message ("Unable to establish connection to <url>: ...")."""
    url = getattr(exc, "url", None) or getattr(getattr(exc, "response", None), "url", None)
    if url:
        return str(url)
    found = re.search(r"https?://\S+", str(exc))
    return found.group(0).rstrip(":") if found else None


def _at_keystone(url: str | None) -> bool:
    """Whether `url` is at Keystone's address (the configured auth URL's scheme, host, port)."""
    if not url:
        return False
    keystone = urlsplit(settings.OPENSTACK_AUTH_URL)
    target = urlsplit(url)
    return (target.scheme, target.netloc) == (keystone.scheme, keystone.netloc)


def translate(
    exc: Exception,
    *,
    doing: Doing,
    service: str | None = None,
    advice: Mapping[int, Message | str] | None = None,
) -> CloudError:
    """The CloudError for an SDK or keystoneauth exception raised while `doing` something;
    `advice` replaces the reason of a status code that means one thing at the call site (Nova
    answers a server create that exceeds the quota with 403, as it does a policy refusal)."""
    url = _failing_url(exc)
    if _at_keystone(url):
        service = KEYSTONE
    if isinstance(exc, ksa_exceptions.ConnectTimeout):
        why = gettext_noop(
            "%(service)s did not answer in time. It may be overloaded; try again in a moment"
        )
        return CloudTimeout(could_not(doing, Message(why, {"service": _service(service)})))
    if isinstance(exc, ksa_exceptions.ConnectionError):
        why = gettext_noop(
            "%(service)s cannot be reached. Try again later, or ask the cloud's operators "
            "whether it is down"
        )
        return CloudUnreachable(could_not(doing, Message(why, {"service": _service(service)})))
    if isinstance(exc, sdk_exceptions.HttpException | ksa_exceptions.HttpError):
        status, request_id, error_type, detail = _http_details(exc)
        suffix = _suffix(service, status, request_id)
        if status is not None and status >= 500:
            why = gettext_noop("%(service)s failed on its side. Try again in a moment")
            return CloudTransientError(
                could_not(
                    doing,
                    Message(why, {"service": _service(service)}),
                    detail=detail,
                    suffix=suffix,
                ),
                status_code=status,
                request_id=request_id,
                error_type=error_type,
            )
        # Keystone's token check answers 404 for a token it no longer knows (expired or
        # revoked): the user's sign-in failed, not the object they asked about.
        token_gone = status == 404 and service == KEYSTONE and "/auth/tokens" in str(url)
        error_class, reason = _PERMANENT_BY_STATUS.get(
            401 if token_gone else status or 400,
            (CloudPermanentError, gettext_noop("the cloud refused the request")),
        )
        because = (advice or {}).get(status or 400, reason)
        because = _ADVICE_BY_NEUTRON_TYPE.get(error_type or "", because)
        return error_class(
            could_not(doing, because, detail=detail, suffix=suffix),
            status_code=status,
            request_id=request_id,
            error_type=error_type,
        )
    unexpected = gettext_noop("unexpected error from the cloud (%(error)s)")
    return CloudError(could_not(doing, Message(unexpected, {"error": type(exc).__name__})))


def restated(
    error: CloudError,
    *,
    doing: Doing,
    why: Message | str,
    service: str | None = None,
    error_class: type[CloudError] | None = None,
) -> CloudError:
    """`error` said again with a reason the caller worked out itself, typically from the object's
    state read after the refusal (Nova's 409s carry no error type); keeps its status code and
    request id. `error_class` changes how it is handled (a busy server is worth a retry)."""
    return (error_class or type(error))(
        could_not(doing, why, suffix=_suffix(service, error.status_code, error.request_id)),
        status_code=error.status_code,
        request_id=error.request_id,
        error_type=error.error_type,
    )


@contextmanager
def translated(
    *, doing: Doing, service: str | None = None, advice: Mapping[int, Message | str] | None = None
) -> Iterator[None]:
    """Run cloud calls, re-raising their failures as CloudError with an actionable message."""
    try:
        yield
    except CloudError:
        raise
    except (sdk_exceptions.SDKException, ksa_exceptions.ClientException) as exc:
        raise translate(exc, doing=doing, service=service, advice=advice) from exc
