"""Live reads of one server that only Nova has: console links, the console log, the action log.

The house rule is that pages render from the mirror and never wait on the cloud. These three are
the exception the instances issue asks for, and they are kept apart from every page:

- A console link is a one-time credential Nova mints on `POST /servers/{id}/remote-consoles`
  (it expires within minutes and must never be cached or mirrored), so it is minted when the
  user clicks, not through an Operation: it changes nothing in the cloud, and the user is
  waiting for the URL to open, so a queued task would only add latency.
- The console log and the action log are live diagnostics (what the server printed a second
  ago, who did what to it). Mirroring them for every server on every sweep would cost a Nova
  call per server for data almost nobody reads, and would still be stale when someone does.

So each is fetched on request, with the signed-in user's own project token (Nova's policy
decides what the user may see, exactly as for their operations; the page offers the console and
its log only where the policy files say Nova allows them, `live_reads_allowed`), a read timeout of
`LIVE_READ_TIMEOUT` seconds, and failures translated into the usual what/why/what-to-do
message. The detail page itself renders from the mirror and lazy-loads the two logs
(`hx-trigger="load"`) into boxes that show that message when Nova is down or slow.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from dashboard.cloud.connection import Connection, user_connection
from dashboard.cloud.errors import CloudPermanentError, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.policy import policy_allows
from dashboard.sessions import CloudSession
from instances.models import Server
from instances.reconcile import NOVA

# Seconds a page's live read waits for Nova's answer (the operations' default is longer).
LIVE_READ_TIMEOUT = 10.0
# Console types, in the order they are tried: the first the cloud has enabled wins.
CONSOLE_TYPES = ("novnc", "spice-html5", "serial")
CONSOLE_LABELS = {
    "novnc": "noVNC",
    "spice-html5": "SPICE",
    "serial": gettext_lazy("Serial console"),
}
# Nova answers 400 for a console type the cloud has not enabled and 409 for a server that has
# no console now; either way the next type is tried, and the last answer explains the failure.
FALLBACK_STATUSES = (400, 409)
CONSOLE_ADVICE = {
    400: gettext_noop(
        "none of the console types the dashboard offers (noVNC, SPICE, serial) is enabled "
        "in this cloud. Ask the cloud's operators to enable one"
    ),
    409: gettext_noop(
        "the server has no console in its current state (it must be running). Start it, "
        "then try again"
    ),
}
# How much of the console log the page shows; the download has all of it.
CONSOLE_LOG_LINES = 200


@dataclass(frozen=True)
class ConsoleLink:
    """A freshly minted console URL and its type."""

    type: str
    url: str

    @property
    def label(self) -> str:
        return str(CONSOLE_LABELS.get(self.type, self.type))


@dataclass(frozen=True)
class LiveReads:
    """The live reads Nova's policy lets a session make of its project's servers (the action
    log is every project reader's)."""

    console: bool
    console_log: bool


def live_reads_allowed(session: CloudSession) -> LiveReads:
    return LiveReads(
        console=policy_allows(session, "nova", "os_compute_api:os-remote-consoles"),
        console_log=policy_allows(session, "nova", "os_compute_api:os-console-output"),
    )


@dataclass(frozen=True)
class ActionLogEntry:
    """One entry of Nova's action log of a server (`os-instance-actions`)."""

    action: str
    started_at: datetime | None
    request_id: str
    user_id: str
    message: str


def _utc(value: str | None) -> datetime | None:
    """Nova's action timestamps are UTC, written without a zone."""
    moment = parse_datetime(value) if value else None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _doing(msgid: str, server: Server) -> Message:
    return Message(msgid, {"name": server.name_or_id})


def live_connection(keystone: CloudSession) -> Connection:
    """The signed-in user's connection to their project, with the short live-read timeout."""
    return user_connection(
        token=keystone.token, project_id=keystone.project_id, read_timeout=LIVE_READ_TIMEOUT
    )


def console_link_create(
    *, conn: Connection, server: Server, console_types: tuple[str, ...] = CONSOLE_TYPES
) -> ConsoleLink:
    """Mint a console URL for the server: the first of `console_types` the cloud offers.

    Raises CloudError saying why when no type works, or Nova fails. Of the refusals, a 409 (the
    type is enabled, but the server has no console in its state) says more than the 400s of the
    types the cloud has not enabled, so it wins over them.
    """
    refusals: list[CloudPermanentError] = []
    for console_type in console_types:
        try:
            with translated(
                doing=_doing(gettext_noop("open a console on server “%(name)s”"), server),
                service=NOVA,
                advice=CONSOLE_ADVICE,
            ):
                console = conn.compute.create_console(server.id, console_type=console_type)
        except CloudPermanentError as exc:
            if exc.status_code not in FALLBACK_STATUSES:
                raise
            refusals.append(exc)
            continue
        assert console is not None, "the SDK answers None only below microversion 2.6"
        return ConsoleLink(type=console_type, url=str(console["url"]))
    assert refusals, "no console types to try"
    not_now = [refusal for refusal in refusals if refusal.status_code == 409]
    raise (not_now or refusals)[-1]


def console_log_read(*, conn: Connection, server: Server, lines: int | None = None) -> str:
    """The server's console output: its last `lines` lines, or all of it."""
    doing = _doing(gettext_noop("read the console log of server “%(name)s”"), server)
    with translated(doing=doing, service=NOVA):
        output = conn.compute.get_server_console_output(server.id, length=lines)
    return str(output.get("output") or "")


def action_log_list(*, conn: Connection, server: Server) -> list[ActionLogEntry]:
    """Nova's action log of the server, newest first."""
    doing = _doing(gettext_noop("read the action log of server “%(name)s”"), server)
    with translated(doing=doing, service=NOVA):
        actions = list(conn.compute.server_actions(server.id))
    return [
        ActionLogEntry(
            action=action.action or "",
            started_at=_utc(action.start_time),
            request_id=action.request_id or "",
            user_id=action.user_id or "",
            message=action.message or "",
        )
        for action in actions
    ]
