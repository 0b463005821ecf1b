"""Which lifecycle actions a server's state allows, and why not: Nova's own rules, written once.

A pure function of five mirror fields (status, task_state, vm_state, power_state, locked). The
vm states each action accepts follow `check_instance_state` in nova/compute/api.py; the actions
Nova refuses on a locked server follow its `check_instance_lock`. The server action forms
(`instances.forms.server_actions`) refuse the others before any cloud call, pages offer only the
allowed ones, and services use `already_done` to make a retried action harmless ("start" on a
running server is done).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from dashboard.i18n import Message, Param, gettext_noop
from instances.models import Server

# Nova's vm states (nova/compute/vm_states.py) and how a person says them.
ACTIVE = "active"
BUILDING = "building"
PAUSED = "paused"
SUSPENDED = "suspended"
STOPPED = "stopped"
RESCUED = "rescued"
RESIZED = "resized"
SOFT_DELETED = "soft-delete"
DELETED = "deleted"
ERROR = "error"
SHELVED = "shelved"
SHELVED_OFFLOADED = "shelved_offloaded"

# Translators: a server's state, after "is" or "is already" in a refusal ("Server “web-1” is
# paused: …", "… works only when it is shut off").
STATE_WORDS: dict[str, str] = {
    ACTIVE: gettext_noop("running"),
    BUILDING: gettext_noop("being built"),
    PAUSED: gettext_noop("paused"),
    SUSPENDED: gettext_noop("suspended"),
    STOPPED: gettext_noop("shut off"),
    RESCUED: gettext_noop("in rescue mode"),
    RESIZED: gettext_noop("waiting for its resize to be confirmed or reverted"),
    SOFT_DELETED: gettext_noop("deleted (recoverable)"),
    DELETED: gettext_noop("deleted"),
    ERROR: gettext_noop("in error"),
    SHELVED: gettext_noop("shelved"),
    SHELVED_OFFLOADED: gettext_noop("shelved"),
}

# Nova's server statuses (the API's `status`) as the badge shows them; filters and the API keep
# the raw value.
STATUS_LABELS: dict[str, Promise] = {
    "ACTIVE": pgettext_lazy("server status", "Active"),
    "BUILD": pgettext_lazy("server status", "Building"),
    "DELETED": pgettext_lazy("server status", "Deleted"),
    "ERROR": pgettext_lazy("server status", "Error"),
    "HARD_REBOOT": pgettext_lazy("server status", "Hard rebooting"),
    "MIGRATING": pgettext_lazy("server status", "Migrating"),
    "PASSWORD": pgettext_lazy("server status", "Setting password"),
    "PAUSED": pgettext_lazy("server status", "Paused"),
    "REBOOT": pgettext_lazy("server status", "Rebooting"),
    "REBUILD": pgettext_lazy("server status", "Rebuilding"),
    "RESCUE": pgettext_lazy("server status", "Rescue"),
    "RESIZE": pgettext_lazy("server status", "Resizing"),
    "REVERT_RESIZE": pgettext_lazy("server status", "Reverting resize"),
    "SHELVED": pgettext_lazy("server status", "Shelved"),
    "SHELVED_OFFLOADED": pgettext_lazy("server status", "Shelved offloaded"),
    "SHUTOFF": pgettext_lazy("server status", "Shut off"),
    "SOFT_DELETED": pgettext_lazy("server status", "Soft-deleted"),
    "SUSPENDED": pgettext_lazy("server status", "Suspended"),
    "UNKNOWN": pgettext_lazy("server status", "Unknown"),
    "VERIFY_RESIZE": pgettext_lazy("server status", "Resized, to confirm"),
}

# Nova's task states (nova/compute/task_states.py), as the pages show the task under way.
# Translators: what Nova is doing to a server, as in “Server “web-1” is busy (rebooting)”.
TASK_LABELS: dict[str, str] = {
    "scheduling": gettext_noop("scheduling"),
    "block_device_mapping": gettext_noop("mapping block devices"),
    "networking": gettext_noop("networking"),
    "spawning": gettext_noop("spawning"),
    "image_snapshot": gettext_noop("taking a snapshot"),
    "image_snapshot_pending": gettext_noop("snapshot pending"),
    "image_pending_upload": gettext_noop("image pending upload"),
    "image_uploading": gettext_noop("uploading the image"),
    "image_backup": gettext_noop("backing up"),
    "updating_password": gettext_noop("updating the password"),
    "resize_prep": gettext_noop("preparing the resize"),
    "resize_migrating": gettext_noop("migrating for the resize"),
    "resize_migrated": gettext_noop("migrated for the resize"),
    "resize_finish": gettext_noop("finishing the resize"),
    "resize_reverting": gettext_noop("reverting the resize"),
    "resize_confirming": gettext_noop("confirming the resize"),
    "rebooting": gettext_noop("rebooting"),
    "reboot_pending": gettext_noop("reboot pending"),
    "reboot_started": gettext_noop("reboot started"),
    "rebooting_hard": gettext_noop("rebooting hard"),
    "reboot_pending_hard": gettext_noop("hard reboot pending"),
    "reboot_started_hard": gettext_noop("hard reboot started"),
    "pausing": gettext_noop("pausing"),
    "unpausing": gettext_noop("unpausing"),
    "suspending": gettext_noop("suspending"),
    "resuming": gettext_noop("resuming"),
    "powering-off": gettext_noop("powering off"),
    "powering-on": gettext_noop("powering on"),
    "rescuing": gettext_noop("rescuing"),
    "unrescuing": gettext_noop("unrescuing"),
    "rebuilding": gettext_noop("rebuilding"),
    "rebuild_block_device_mapping": gettext_noop("rebuilding block devices"),
    "rebuild_spawning": gettext_noop("spawning the rebuild"),
    "migrating": gettext_noop("migrating"),
    "deleting": gettext_noop("deleting"),
    "soft-deleting": gettext_noop("soft-deleting"),
    "restoring": gettext_noop("restoring"),
    "shelving": gettext_noop("shelving"),
    "shelving_image_pending_upload": gettext_noop("shelving (image pending)"),
    "shelving_image_uploading": gettext_noop("shelving (uploading the image)"),
    "shelving_offloading": gettext_noop("offloading"),
    "unshelving": gettext_noop("unshelving"),
}


def status_label(status: str) -> str:
    """A server status as people read it ("Active" for ACTIVE); an unknown one as Nova says it."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status or str(STATUS_LABELS["UNKNOWN"])


def task_words(task_state: str) -> Message:
    """The task under way as people read it ("powering off"); an unknown one in Nova's words."""
    return Message(TASK_LABELS.get(task_state) or task_state.replace("_", " ").replace("-", " "))


# Nova's power states (nova/compute/power_state.py) the rules look at.
RUNNING = 1

# Task states during which a hard reboot is still accepted (Nova's `ALLOW_REBOOT`, the reboot
# part): a hung soft reboot is cut short by a hard one.
REBOOT_TASKS = frozenset(
    {"rebooting", "reboot_pending", "reboot_started", "rebooting_hard", "reboot_pending_hard"}
)

ANY = frozenset(STATE_WORDS) - {DELETED, SOFT_DELETED}


@dataclass(frozen=True)
class ServerState:
    """What the rules read of a server (mirror row or SDK object): Nova's five state fields."""

    status: str
    task_state: str
    vm_state: str
    power_state: int | None
    locked: bool


def mirror_state(server: Server) -> ServerState:
    """What the rules read of a mirror row."""
    return ServerState(
        status=server.status,
        task_state=server.task_state,
        vm_state=server.vm_state,
        power_state=server.power_state,
        locked=server.locked,
    )


@dataclass(frozen=True)
class Rule:
    """When Nova accepts an action, and how people read it (msgids, translated where shown): its
    button and the description of its operation, which also says what failed when it fails
    (naming the server as `%(name)s`)."""

    label: str  # a button: "Start"
    description: str  # "Start server “%(name)s”"; lowered after "Could not" when it fails
    vm_states: frozenset[str]
    locked_refused: bool = True
    task_states: frozenset[str] = frozenset()  # accepted besides "no task under way"
    any_task: bool = False  # accepted whatever task is under way
    destructive: bool = False


def _states(*names: str) -> frozenset[str]:
    return frozenset(names)


RULES: dict[str, Rule] = {
    "start": Rule(
        gettext_noop("Start"),
        gettext_noop("Start server “%(name)s”"),
        _states(STOPPED),
    ),
    "stop": Rule(
        gettext_noop("Shut off"),
        gettext_noop("Shut off server “%(name)s”"),
        _states(ACTIVE, RESCUED, ERROR),
        destructive=True,
    ),
    "reboot": Rule(
        gettext_noop("Reboot"),
        gettext_noop("Reboot server “%(name)s”"),
        _states(ACTIVE),
        destructive=True,
    ),
    "reboot_hard": Rule(
        gettext_noop("Hard reboot"),
        gettext_noop("Hard-reboot server “%(name)s”"),
        _states(ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR),
        task_states=REBOOT_TASKS,
        destructive=True,
    ),
    "pause": Rule(
        gettext_noop("Pause"),
        gettext_noop("Pause server “%(name)s”"),
        _states(ACTIVE),
    ),
    "unpause": Rule(
        gettext_noop("Unpause"),
        gettext_noop("Unpause server “%(name)s”"),
        _states(PAUSED),
    ),
    "suspend": Rule(
        gettext_noop("Suspend"),
        gettext_noop("Suspend server “%(name)s”"),
        _states(ACTIVE),
    ),
    "resume": Rule(
        gettext_noop("Resume"),
        gettext_noop("Resume server “%(name)s”"),
        _states(SUSPENDED),
    ),
    "lock": Rule(
        gettext_noop("Lock"),
        gettext_noop("Lock server “%(name)s”"),
        ANY,
        locked_refused=False,
        any_task=True,
    ),
    "unlock": Rule(
        gettext_noop("Unlock"),
        gettext_noop("Unlock server “%(name)s”"),
        ANY,
        locked_refused=False,
        any_task=True,
    ),
    "rescue": Rule(
        gettext_noop("Rescue"),
        gettext_noop("Rescue server “%(name)s”"),
        _states(ACTIVE, STOPPED, ERROR),
        destructive=True,
    ),
    "unrescue": Rule(
        gettext_noop("Unrescue"),
        gettext_noop("Unrescue server “%(name)s”"),
        _states(RESCUED),
    ),
    "shelve": Rule(
        gettext_noop("Shelve"),
        gettext_noop("Shelve server “%(name)s”"),
        _states(ACTIVE, STOPPED, PAUSED, SUSPENDED),
        destructive=True,
    ),
    "unshelve": Rule(
        gettext_noop("Unshelve"),
        gettext_noop("Unshelve server “%(name)s”"),
        _states(SHELVED, SHELVED_OFFLOADED),
    ),
    "resize": Rule(
        gettext_noop("Resize"),
        gettext_noop("Resize server “%(name)s”"),
        _states(ACTIVE, STOPPED),
    ),
    "resize_confirm": Rule(
        gettext_noop("Confirm resize"),
        gettext_noop("Confirm the resize of server “%(name)s”"),
        _states(RESIZED),
    ),
    "resize_revert": Rule(
        gettext_noop("Revert resize"),
        gettext_noop("Revert the resize of server “%(name)s”"),
        _states(RESIZED),
        destructive=True,
    ),
    "rebuild": Rule(
        gettext_noop("Rebuild"),
        gettext_noop("Rebuild server “%(name)s”"),
        _states(ACTIVE, STOPPED, ERROR),
        destructive=True,
    ),
    # Renaming, snapshots, security groups and floating IPs: Nova does not check the lock.
    "rename": Rule(
        gettext_noop("Rename"),
        gettext_noop("Rename server “%(name)s”"),
        ANY,
        locked_refused=False,
        any_task=True,
    ),
    "snapshot": Rule(
        gettext_noop("Create snapshot"),
        gettext_noop("Snapshot server “%(name)s”"),
        _states(ACTIVE, STOPPED, PAUSED, SUSPENDED),
        locked_refused=False,
    ),
    "security_groups": Rule(
        gettext_noop("Security groups"),
        gettext_noop("Change the security groups of server “%(name)s”"),
        ANY - {BUILDING, ERROR},
        locked_refused=False,
    ),
    "interface_attach": Rule(
        gettext_noop("Attach interface"),
        gettext_noop("Attach an interface to server “%(name)s”"),
        _states(ACTIVE, PAUSED, STOPPED),
    ),
    "interface_detach": Rule(
        gettext_noop("Detach interface"),
        gettext_noop("Detach an interface from server “%(name)s”"),
        _states(ACTIVE, PAUSED, STOPPED),
        destructive=True,
    ),
    # Floating IPs are Neutron's: any server with ports may get one, whatever Nova's lock says.
    "floating_ip_associate": Rule(
        gettext_noop("Associate floating IP"),
        gettext_noop("Associate a floating IP to server “%(name)s”"),
        ANY - {BUILDING},
        locked_refused=False,
        any_task=True,
    ),
    "floating_ip_disassociate": Rule(
        gettext_noop("Disassociate floating IP"),
        gettext_noop("Disassociate a floating IP from server “%(name)s”"),
        ANY - {BUILDING},
        locked_refused=False,
        any_task=True,
        destructive=True,
    ),
    # Nova deletes a server in any state, even mid-task (a stuck build), but not twice.
    "delete": Rule(
        gettext_noop("Delete"),
        gettext_noop("Delete server “%(name)s”"),
        ANY,
        any_task=True,
        destructive=True,
    ),
}

# An action's effect already in place, or under way: vm states, then task states.
_DONE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "start": (_states(ACTIVE), _states("powering-on")),
    "stop": (_states(STOPPED), _states("powering-off")),
    "reboot": (frozenset(), _states("rebooting", "reboot_pending", "reboot_started")),
    "reboot_hard": (
        frozenset(),
        _states("rebooting_hard", "reboot_pending_hard", "reboot_started_hard"),
    ),
    "pause": (_states(PAUSED), _states("pausing")),
    "unpause": (frozenset(), _states("unpausing")),
    "suspend": (_states(SUSPENDED), _states("suspending")),
    "resume": (frozenset(), _states("resuming")),
    "rescue": (_states(RESCUED), _states("rescuing")),
    "unrescue": (frozenset(), _states("unrescuing")),
    "shelve": (
        _states(SHELVED, SHELVED_OFFLOADED),
        _states("shelving", "shelving_image_pending_upload", "shelving_image_uploading"),
    ),
    "unshelve": (frozenset(), _states("unshelving", "spawning")),
    "resize": (
        _states(RESIZED),
        _states("resize_prep", "resize_migrating", "resize_migrated", "resize_finish"),
    ),
    "resize_confirm": (frozenset(), _states("resize_confirming")),
    "resize_revert": (frozenset(), _states("resize_reverting")),
    "rebuild": (
        frozenset(),
        _states("rebuilding", "rebuild_block_device_mapping", "rebuild_spawning"),
    ),
    "delete": (_states(DELETED, SOFT_DELETED), _states("deleting")),
}
# Where the action's starting state is gone once it ran: unpause from paused, and so on.
_LEFT: dict[str, frozenset[str]] = {
    "unpause": _states(PAUSED),
    "resume": _states(SUSPENDED),
    "unrescue": _states(RESCUED),
    "unshelve": _states(SHELVED, SHELVED_OFFLOADED),
    "resize_confirm": _states(RESIZED),
    "resize_revert": _states(RESIZED),
}


@dataclass(frozen=True)
class Refusal:
    """Why an action is not possible now: what the server is, and what to do about it, as two
    msgids with the same parameters: `sentence` names the server (`%(name)s`), `why` follows
    "Could not …:" in a failed operation.

    `busy` marks a refusal that goes away by itself once Nova finishes the task under way.
    """

    sentence: str
    why: str
    params: Mapping[str, Param] = field(default_factory=dict)
    busy: bool = False

    def about(self, name: str) -> str:
        """The refusal as a sentence that names the server: “Server “web-1” is locked: …”."""
        return str(Message(self.sentence, {"name": name, **self.params}))

    def reason(self) -> Message:
        """The refusal after "Could not …:": “the server is locked; unlock it first”."""
        return Message(self.why, self.params)


def _either(words: list[str]) -> Message:
    """“paused, running or shut off” (`words` are msgids)."""
    if len(words) == 1:
        return Message(words[0])
    if len(words) == 2:
        # Translators: the last two of a list of server states, as in "paused or shut off".
        return Message(
            gettext_noop("%(one)s or %(other)s"),
            {"one": Message(words[0]), "other": Message(words[1])},
        )
    # Translators: the first of a list of server states and the rest, as in "paused, running or
    # shut off".
    return Message(
        gettext_noop("%(first)s, %(rest)s"),
        {"first": Message(words[0]), "rest": _either(words[1:])},
    )


def already_done(action: str, state: ServerState) -> bool:
    """Whether the action's effect is already there or under way, so asking again is a no-op."""
    if action == "lock":
        return state.locked
    if action == "unlock":
        return not state.locked
    if action in _LEFT and not state.task_state:
        return state.vm_state not in _LEFT[action]
    vm_states, task_states = _DONE.get(action, (frozenset(), frozenset()))
    if state.task_state:
        return state.task_state in task_states
    return state.vm_state in vm_states


def refusal(action: str, state: ServerState) -> Refusal | None:
    """Why Nova would refuse the action in this state (or why it has nothing to do), or None
    when it is allowed."""
    rule = RULES[action]
    if action == "lock" and state.locked:
        return Refusal(
            gettext_noop("Server “%(name)s” is already locked: nothing to do."),
            gettext_noop("the server is already locked; nothing to do"),
        )
    if action == "unlock" and not state.locked:
        return Refusal(
            gettext_noop("Server “%(name)s” is already unlocked: nothing to do."),
            gettext_noop("the server is already unlocked; nothing to do"),
        )
    vm_done, task_done = _DONE.get(action, (frozenset(), frozenset()))
    if state.task_state in task_done:
        return Refusal(
            gettext_noop("Server “%(name)s” is already %(task)s: wait until it has finished."),
            gettext_noop("the server is already %(task)s; wait until it has finished"),
            {"task": task_words(state.task_state)},
        )
    if state.task_state and not (rule.any_task or state.task_state in rule.task_states):
        return Refusal(
            gettext_noop(
                "Server “%(name)s” is busy (%(task)s): wait until Nova has finished, then try "
                "again."
            ),
            gettext_noop(
                "the server is busy (%(task)s); wait until Nova has finished, then try again"
            ),
            {"task": task_words(state.task_state)},
            busy=True,
        )
    if not state.task_state and state.vm_state in vm_done:
        return Refusal(
            gettext_noop("Server “%(name)s” is already %(state)s: nothing to do."),
            gettext_noop("the server is already %(state)s; nothing to do"),
            {"state": Message(STATE_WORDS[state.vm_state])},
        )
    if state.locked and rule.locked_refused:
        return Refusal(
            gettext_noop("Server “%(name)s” is locked: unlock it first."),
            gettext_noop("the server is locked; unlock it first"),
        )
    if state.vm_state not in rule.vm_states:
        now = STATE_WORDS.get(state.vm_state) or state.status.lower() or state.vm_state
        return Refusal(
            gettext_noop(
                "Server “%(name)s” is %(state)s: %(action)s works only when it is %(states)s."
            ),
            gettext_noop("the server is %(state)s; %(action)s works only when it is %(states)s"),
            {
                "state": Message(now),
                "action": Message(rule.label),
                "states": _either(sorted({STATE_WORDS[vm] for vm in rule.vm_states})),
            },
        )
    if action == "stop" and state.vm_state == ERROR and state.power_state != RUNNING:
        return Refusal(
            gettext_noop(
                "Server “%(name)s” is in error and not running: there is nothing to shut off."
            ),
            gettext_noop("the server is in error and not running; there is nothing to shut off"),
        )
    return None
