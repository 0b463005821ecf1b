"""Which lifecycle actions a server's state allows, and why not: Nova's own rules, written once.

A pure function of five mirror fields (status, task_state, vm_state, power_state, locked). The
vm states each action accepts follow `check_instance_state` in nova/compute/api.py; the actions
Nova refuses on a locked server follow its `check_instance_lock`. The server action forms
(`instances.forms.server_actions`) refuse the others before any cloud call, pages offer only the
allowed ones, and services use `already_done` to make a retried action harmless ("start" on a
running server is done).
"""

from dataclasses import dataclass

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

STATE_WORDS = {
    ACTIVE: "running",
    BUILDING: "being built",
    PAUSED: "paused",
    SUSPENDED: "suspended",
    STOPPED: "shut off",
    RESCUED: "in rescue mode",
    RESIZED: "waiting for its resize to be confirmed or reverted",
    SOFT_DELETED: "deleted (recoverable)",
    DELETED: "deleted",
    ERROR: "in error",
    SHELVED: "shelved",
    SHELVED_OFFLOADED: "shelved",
}

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
    """When Nova accepts an action, what it says when done, and what it is called."""

    label: str  # a button: "Start"
    verb: str  # a sentence: "start", as in "Could not start server “web-1”"
    vm_states: frozenset[str]
    locked_refused: bool = True
    task_states: frozenset[str] = frozenset()  # accepted besides "no task under way"
    any_task: bool = False  # accepted whatever task is under way
    destructive: bool = False


def _states(*names: str) -> frozenset[str]:
    return frozenset(names)


RULES: dict[str, Rule] = {
    "start": Rule("Start", "start", _states(STOPPED)),
    "stop": Rule("Shut off", "shut off", _states(ACTIVE, RESCUED, ERROR), destructive=True),
    "reboot": Rule("Reboot", "reboot", _states(ACTIVE), destructive=True),
    "reboot_hard": Rule(
        "Hard reboot",
        "hard-reboot",
        _states(ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR),
        task_states=REBOOT_TASKS,
        destructive=True,
    ),
    "pause": Rule("Pause", "pause", _states(ACTIVE)),
    "unpause": Rule("Unpause", "unpause", _states(PAUSED)),
    "suspend": Rule("Suspend", "suspend", _states(ACTIVE)),
    "resume": Rule("Resume", "resume", _states(SUSPENDED)),
    "lock": Rule("Lock", "lock", ANY, locked_refused=False, any_task=True),
    "unlock": Rule("Unlock", "unlock", ANY, locked_refused=False, any_task=True),
    "rescue": Rule("Rescue", "rescue", _states(ACTIVE, STOPPED, ERROR), destructive=True),
    "unrescue": Rule("Unrescue", "unrescue", _states(RESCUED)),
    "shelve": Rule(
        "Shelve", "shelve", _states(ACTIVE, STOPPED, PAUSED, SUSPENDED), destructive=True
    ),
    "unshelve": Rule("Unshelve", "unshelve", _states(SHELVED, SHELVED_OFFLOADED)),
    "resize": Rule("Resize", "resize", _states(ACTIVE, STOPPED)),
    "resize_confirm": Rule("Confirm resize", "confirm the resize of", _states(RESIZED)),
    "resize_revert": Rule(
        "Revert resize", "revert the resize of", _states(RESIZED), destructive=True
    ),
    "rebuild": Rule("Rebuild", "rebuild", _states(ACTIVE, STOPPED, ERROR), destructive=True),
    # Renaming, snapshots, security groups and floating IPs: Nova does not check the lock.
    "rename": Rule("Rename", "rename", ANY, locked_refused=False, any_task=True),
    "snapshot": Rule(
        "Create snapshot",
        "snapshot",
        _states(ACTIVE, STOPPED, PAUSED, SUSPENDED),
        locked_refused=False,
    ),
    "security_groups": Rule(
        "Security groups",
        "change the security groups of",
        ANY - {BUILDING, ERROR},
        locked_refused=False,
    ),
    "interface_attach": Rule(
        "Attach interface", "attach an interface to", _states(ACTIVE, PAUSED, STOPPED)
    ),
    "interface_detach": Rule(
        "Detach interface",
        "detach an interface from",
        _states(ACTIVE, PAUSED, STOPPED),
        destructive=True,
    ),
    # Floating IPs are Neutron's: any server with ports may get one, whatever Nova's lock says.
    "floating_ip_associate": Rule(
        "Associate floating IP",
        "associate a floating IP to",
        ANY - {BUILDING},
        locked_refused=False,
        any_task=True,
    ),
    "floating_ip_disassociate": Rule(
        "Disassociate floating IP",
        "disassociate a floating IP from",
        ANY - {BUILDING},
        locked_refused=False,
        any_task=True,
        destructive=True,
    ),
    # Nova deletes a server in any state, even mid-task (a stuck build), but not twice.
    "delete": Rule(
        "Delete",
        "delete",
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
    """Why an action is not possible now: what the server is, and what to do about it.

    `busy` marks a refusal that goes away by itself once Nova finishes the task under way.
    """

    state: str  # "is locked"
    advice: str  # "unlock it first"
    busy: bool = False

    def about(self, name: str) -> str:
        """The refusal as a sentence that names the server: “Server “web-1” is locked: …”."""
        return f"Server “{name}” {self.state}: {self.advice}."


def _words(vm_states: frozenset[str]) -> str:
    words = sorted({STATE_WORDS[state] for state in vm_states})
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


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


def _task_words(task_state: str) -> str:
    return task_state.replace("_", " ").replace("-", " ")


def refusal(action: str, state: ServerState) -> Refusal | None:
    """Why Nova would refuse the action in this state (or why it has nothing to do), or None
    when it is allowed."""
    rule = RULES[action]
    if action in ("lock", "unlock") and already_done(action, state):
        return Refusal(f"is already {action}ed", "nothing to do")
    vm_done, task_done = _DONE.get(action, (frozenset(), frozenset()))
    if state.task_state in task_done:
        return Refusal(f"is already {_task_words(state.task_state)}", "wait until it has finished")
    if state.task_state and not (rule.any_task or state.task_state in rule.task_states):
        return Refusal(
            f"is busy ({_task_words(state.task_state)})",
            "wait until Nova has finished, then try again",
            busy=True,
        )
    if not state.task_state and state.vm_state in vm_done:
        return Refusal(f"is already {STATE_WORDS[state.vm_state]}", "nothing to do")
    if state.locked and rule.locked_refused:
        return Refusal("is locked", "unlock it first")
    if state.vm_state not in rule.vm_states:
        now = STATE_WORDS.get(state.vm_state, state.status.lower() or state.vm_state)
        return Refusal(f"is {now}", f"{rule.label} works only when it is {_words(rule.vm_states)}")
    if action == "stop" and state.vm_state == ERROR and state.power_state != RUNNING:
        return Refusal("is in error and not running", "there is nothing to shut off")
    return None
