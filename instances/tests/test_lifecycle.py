"""The lifecycle rules as a table: which actions each server state offers, why others are
refused, and when asking again is a no-op. Pure functions: no database, no cloud."""

import pytest

from dashboard.i18n import Message
from instances.lifecycle import RULES, ServerState, already_done, refusal


def state(
    status: str = "ACTIVE",
    vm_state: str = "active",
    task_state: str = "",
    power_state: int | None = 1,
    locked: bool = False,
) -> ServerState:
    return ServerState(
        status=status,
        task_state=task_state,
        vm_state=vm_state,
        power_state=power_state,
        locked=locked,
    )


ALWAYS = {"lock", "rename", "delete", "floating_ip_associate", "floating_ip_disassociate"}

ALLOWED = [
    (
        state(),
        ALWAYS
        | {"stop", "reboot", "reboot_hard", "pause", "suspend", "rescue", "shelve", "resize"}
        | {"rebuild", "snapshot", "security_groups", "interface_attach", "interface_detach"},
    ),
    (
        state("SHUTOFF", "stopped", power_state=4),
        ALWAYS
        | {"start", "reboot_hard", "rescue", "shelve", "resize", "rebuild", "snapshot"}
        | {"security_groups", "interface_attach", "interface_detach"},
    ),
    (
        state("PAUSED", "paused", power_state=3),
        ALWAYS
        | {"unpause", "reboot_hard", "shelve", "snapshot", "security_groups"}
        | {"interface_attach", "interface_detach"},
    ),
    (
        state("SUSPENDED", "suspended", power_state=7),
        ALWAYS | {"resume", "reboot_hard", "shelve", "snapshot", "security_groups"},
    ),
    (state("RESCUE", "rescued", power_state=1), ALWAYS | {"stop", "unrescue", "security_groups"}),
    (
        state("SHELVED_OFFLOADED", "shelved_offloaded", power_state=4),
        ALWAYS | {"unshelve", "security_groups"},
    ),
    (
        state("VERIFY_RESIZE", "resized"),
        ALWAYS | {"resize_confirm", "resize_revert", "security_groups"},
    ),
    (state("ERROR", "error", power_state=1), ALWAYS | {"stop", "reboot_hard", "rescue", "rebuild"}),
    (state("ERROR", "error", power_state=0), ALWAYS | {"reboot_hard", "rescue", "rebuild"}),
    # Nova is still working: only what it accepts mid-task (no floating IPs while building).
    (
        state("BUILD", "building", task_state="spawning", power_state=0),
        {"lock", "rename", "delete"},
    ),
    (state(task_state="powering-off"), ALWAYS),
    (state("REBOOT", task_state="reboot_started"), ALWAYS | {"reboot_hard"}),
    (state(task_state="deleting"), ALWAYS - {"delete"}),
    # Locked: what Nova's lock check refuses goes; the rest stays, and unlock replaces lock.
    (
        state(locked=True),
        ALWAYS - {"lock", "delete"} | {"unlock", "snapshot", "security_groups"},
    ),
    (
        state("SHUTOFF", "stopped", power_state=4, locked=True),
        ALWAYS - {"lock", "delete"} | {"unlock", "snapshot", "security_groups"},
    ),
]


@pytest.mark.parametrize(("server", "expected"), ALLOWED)
def test_allowed_actions(server: ServerState, expected: set[str]) -> None:
    assert {action for action in RULES if refusal(action, server) is None} == expected


REFUSALS = [
    ("delete", state(locked=True), "Server “web-1” is locked: unlock it first."),
    ("start", state(locked=True), "Server “web-1” is already running: nothing to do."),
    ("stop", state(locked=True), "Server “web-1” is locked: unlock it first."),
    ("start", state(), "Server “web-1” is already running: nothing to do."),
    ("stop", state("SHUTOFF", "stopped"), "Server “web-1” is already shut off: nothing to do."),
    (
        "start",
        state("PAUSED", "paused"),
        "Server “web-1” is paused: Start works only when it is shut off.",
    ),
    (
        "resize_confirm",
        state(),
        "Server “web-1” is running: Confirm resize works only when it is waiting for its "
        "resize to be confirmed or reverted.",
    ),
    (
        "pause",
        state(task_state="rebooting"),
        "Server “web-1” is busy (rebooting): wait until Nova has finished, then try again.",
    ),
    (
        "stop",
        state(task_state="powering-off"),
        "Server “web-1” is already powering off: wait until it has finished.",
    ),
    ("lock", state(locked=True), "Server “web-1” is already locked: nothing to do."),
    ("unlock", state(), "Server “web-1” is already unlocked: nothing to do."),
    (
        "stop",
        state("ERROR", "error", power_state=0),
        "Server “web-1” is in error and not running: there is nothing to shut off.",
    ),
    (
        "interface_attach",
        state("SUSPENDED", "suspended"),
        "Server “web-1” is suspended: Attach interface works only when it is paused, running "
        "or shut off.",
    ),
]


@pytest.mark.parametrize(("action", "server", "message"), REFUSALS)
def test_refusals_name_the_server_and_say_what_to_do(
    action: str, server: ServerState, message: str
) -> None:
    found = refusal(action, server)

    assert found is not None
    assert found.about("web-1") == message


def test_only_a_task_under_way_makes_a_refusal_busy() -> None:
    busy = refusal("pause", state(task_state="rebooting"))
    locked = refusal("pause", state(locked=True))

    assert busy is not None
    assert busy.busy
    assert locked is not None
    assert not locked.busy


DONE = [
    ("start", state(), True),
    ("start", state("SHUTOFF", "stopped", task_state="powering-on"), True),
    ("start", state("SHUTOFF", "stopped"), False),
    ("stop", state("SHUTOFF", "stopped"), True),
    ("stop", state(), False),
    ("reboot", state("REBOOT", task_state="rebooting"), True),
    ("reboot", state(), False),
    ("unpause", state(), True),
    ("unpause", state("PAUSED", "paused"), False),
    ("unshelve", state("SHELVED_OFFLOADED", "shelved_offloaded"), False),
    ("unshelve", state(task_state="spawning"), True),
    ("resize", state("VERIFY_RESIZE", "resized"), True),
    ("resize_confirm", state(), True),
    ("resize_confirm", state("VERIFY_RESIZE", "resized"), False),
    ("lock", state(locked=True), True),
    ("unlock", state(locked=True), False),
    ("delete", state(task_state="deleting"), True),
    ("delete", state(), False),
]


@pytest.mark.parametrize(("action", "server", "done"), DONE)
def test_already_done(action: str, server: ServerState, done: bool) -> None:
    assert already_done(action, server) is done


def test_every_rule_has_a_label_a_description_and_what_failed() -> None:
    # What failed is the description, lowered after "Could not": it names the server too.
    assert all(
        rule.label
        and "%(name)s" in rule.description
        and str(Message(rule.description, {"name": "web"}).lowered()).startswith(
            rule.description[0].lower()
        )
        and "web" in str(Message(rule.description, {"name": "web"}).lowered())
        for rule in RULES.values()
    )
