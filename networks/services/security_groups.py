"""Security groups and their rules: writes to Neutron, each inside an Operation.

Rules cannot be tagged (Neutron's tag extension leaves them out) nor updated (no PUT), so a
rule's create is made idempotent by its attributes instead of create_once's marker: Neutron
refuses a second rule equal to it, so a rule equal to the new one is either the one an earlier
attempt of this operation made (its id recorded, or, on a later attempt, made after the first one
started) or one that was there before, which makes this rule a duplicate. Editing a rule
replaces it: the new rule is created first, and only then is the old one deleted.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from dashboard.cloud.connection import Connection, service_connection
from dashboard.cloud.errors import CloudConflict, CloudPermanentError, could_not, translated
from dashboard.i18n import Message, gettext_noop
from dashboard.operations.models import Operation
from dashboard.operations.registry import operation_service
from dashboard.operations.services import operation_record_result
from networks.reconcile import reconcile_security_group_rules, reconcile_security_groups
from networks.security_group_rules import RULE_ATTRIBUTES, rule_key
from networks.selectors.security_groups import security_group_rule_list
from networks.services.common import NEUTRON, create_once

RULE_EXISTS = "SecurityGroupRuleExists"


def _mirror(*, group_ids: list[str], rule_ids: Iterable[str] = ()) -> None:
    """Refresh the groups and rules an operation touched (gone ones leave the mirror)."""
    admin = service_connection()
    reconcile_security_groups(conn=admin, ids=group_ids)
    if rule_ids := list(rule_ids):
        reconcile_security_group_rules(conn=admin, ids=rule_ids)


@operation_service
def security_group_create(
    *,
    conn: Connection,
    operation: Operation,
    name: str,
    description: str = "",
    stateful: bool = True,
) -> None:
    """Create the group (once, even when retried); mirror it and the rules Neutron gave it.

    `stateful` is sent only when off, so clouds without the extension create stateful groups."""
    optional = {} if stateful else {"stateful": False}
    doing = Message(gettext_noop("create security group “%(name)s”"), {"name": name})
    with translated(doing=doing, service=NEUTRON):
        group = create_once(
            conn=conn,
            operation=operation,
            find=conn.network.security_groups,
            create=lambda marker: conn.network.create_security_group(
                name=name, description=marker, **optional
            ),
            describe=lambda made: conn.network.update_security_group(made, description=description),
            description=description,
        )
    _mirror(
        group_ids=[group.id], rule_ids=[rule["id"] for rule in group.security_group_rules or []]
    )


@operation_service
def security_group_update(
    *,
    conn: Connection,
    operation: Operation,
    security_group_id: str,
    description: str,
    name: str | None = None,
    revision_number: int | None = None,
) -> None:
    """Change the group's name and description, if the revision the user saw is still current
    (a retry after success finds nothing left to change); mirror it."""
    doing = Message(
        gettext_noop("edit security group “%(name)s”"), {"name": operation.target_label}
    )
    with translated(doing=doing, service=NEUTRON):
        group = conn.network.get_security_group(security_group_id)
        wanted = {"name": name, "description": description}
        changes = {k: v for k, v in wanted.items() if v is not None and getattr(group, k) != v}
        if changes:
            conn.network.update_security_group(group, if_revision=revision_number, **changes)
    _mirror(group_ids=[security_group_id])


@operation_service
def security_group_delete(
    *, conn: Connection, operation: Operation, security_group_id: str
) -> None:
    """Delete the group and with it its rules (already gone counts as done); mirror that."""
    rules = security_group_rule_list(
        project_id=operation.project_id, security_group_id=security_group_id
    )
    rule_ids = list(rules.values_list("id", flat=True))
    doing = Message(
        gettext_noop("delete security group “%(name)s”"), {"name": operation.target_label}
    )
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_security_group(security_group_id, ignore_missing=True)
    _mirror(group_ids=[security_group_id], rule_ids=rule_ids)


def _cloud_rule(rule: Any) -> dict[str, Any]:
    """An SDK rule as the attributes it was created with (the SDK calls `ethertype` ether_type)."""
    return {
        "direction": rule.direction,
        "ethertype": rule.ether_type,
        "protocol": rule.protocol,
        "port_range_min": rule.port_range_min,
        "port_range_max": rule.port_range_max,
        "remote_ip_prefix": rule.remote_ip_prefix,
        "remote_group_id": rule.remote_group_id,
    }


def _equal_rule(*, conn: Connection, security_group_id: str, rule: Mapping[str, Any]) -> Any | None:
    """The group's rule that Neutron considers equal to `rule`, if any."""
    key = rule_key(rule)
    listed = conn.network.security_group_rules(security_group_id=security_group_id)
    return next((made for made in listed if rule_key(_cloud_rule(made)) == key), None)


def _made_by_earlier_attempt(operation: Operation, rule: Any) -> bool:
    """Whether an earlier attempt of the operation may have made the rule: there was one, and the
    rule is no older than it (Neutron keeps whole seconds). A first attempt made nothing yet, so
    an equal rule made by someone else in the same second is not taken for its own."""
    if operation.attempts < 2:
        return False
    started = operation.started_at or operation.created_at
    return datetime.fromisoformat(rule.created_at) >= started.replace(microsecond=0)


def _rule_exists(*, doing: Message, existing: Any) -> CloudConflict:
    if existing.description:
        why = gettext_noop(
            "the security group already has this rule (rule %(id)s, “%(description)s”). "
            "Keep that one, or change this rule so it differs"
        )
    else:
        why = gettext_noop(
            "the security group already has this rule (rule %(id)s). "
            "Keep that one, or change this rule so it differs"
        )
    return CloudConflict(
        could_not(doing, Message(why, {"id": existing.id, "description": existing.description})),
        status_code=409,
        error_type=RULE_EXISTS,
    )


def _create_rule_once(
    *,
    conn: Connection,
    operation: Operation,
    security_group_id: str,
    rule: Mapping[str, Any],
    doing: Message,
) -> Any:
    """The operation's rule: the one an earlier attempt made, or a new one; raises CloudConflict
    naming the equal rule that was there before. Run inside `translated(doing=...)`."""
    existing = _equal_rule(conn=conn, security_group_id=security_group_id, rule=rule)
    if existing is not None:
        if existing.id != operation.result_id and not _made_by_earlier_attempt(operation, existing):
            raise _rule_exists(doing=doing, existing=existing)
        made = existing
    else:
        attributes = {name: rule[name] for name in RULE_ATTRIBUTES if rule.get(name) is not None}
        try:
            with translated(doing=doing, service=NEUTRON):
                made = conn.network.create_security_group_rule(
                    security_group_id=security_group_id,
                    description=rule.get("description") or "",
                    **attributes,
                )
        except CloudConflict as exc:
            # Someone else added an equal rule since the listing above: name it too.
            equal = _equal_rule(conn=conn, security_group_id=security_group_id, rule=rule)
            if exc.error_type != RULE_EXISTS or equal is None:
                raise
            raise _rule_exists(doing=doing, existing=equal) from exc
    if operation.result_id != made.id:
        operation_record_result(operation=operation, result_id=made.id)
    return made


@operation_service
def security_group_rule_create(
    *, conn: Connection, operation: Operation, security_group_id: str, rule: dict[str, Any]
) -> None:
    """Add the rule to the group (once, even when retried); mirror it. An equal rule that was
    there before fails the operation, naming that rule."""
    doing = Message(gettext_noop("add rule “%(rule)s”"), {"rule": operation.target_name})
    with translated(doing=doing, service=NEUTRON):
        made = _create_rule_once(
            conn=conn,
            operation=operation,
            security_group_id=security_group_id,
            rule=rule,
            doing=doing,
        )
    _mirror(group_ids=[security_group_id], rule_ids=[made.id])


@operation_service
def security_group_rule_replace(
    *,
    conn: Connection,
    operation: Operation,
    security_group_id: str,
    old_rule: dict[str, Any],
    rule: dict[str, Any],
    label: str,
) -> None:
    """Replace a rule: create the new one, then delete the old; a failed create leaves the old
    rule in place. Idempotent; nothing to do when the new rule is the old one."""
    old_id, old_label = old_rule["id"], operation.target_name
    if rule_key(rule) != rule_key(old_rule):
        doing = Message(
            gettext_noop("add rule “%(rule)s” in place of rule “%(old)s”, which is unchanged"),
            {"rule": label, "old": old_label},
        )
        with translated(doing=doing, service=NEUTRON):
            made = _create_rule_once(
                conn=conn,
                operation=operation,
                security_group_id=security_group_id,
                rule=rule,
                doing=doing,
            )
        doing = Message(
            gettext_noop("delete rule “%(old)s” (its replacement “%(rule)s” is in place)"),
            {"rule": label, "old": old_label},
        )
        with translated(doing=doing, service=NEUTRON):
            conn.network.delete_security_group_rule(old_id, ignore_missing=True)
        _mirror(group_ids=[security_group_id], rule_ids=[made.id, old_id])
        return
    if (rule.get("description") or "") == (old_rule.get("description") or ""):
        _mirror(group_ids=[security_group_id], rule_ids=[old_id])
        return
    _replace_description(
        conn=conn,
        operation=operation,
        security_group_id=security_group_id,
        old_rule=old_rule,
        rule=rule,
    )


def _replace_description(
    *,
    conn: Connection,
    operation: Operation,
    security_group_id: str,
    old_rule: dict[str, Any],
    rule: dict[str, Any],
) -> None:
    """A new description for an unchanged rule. Neutron neither updates rules nor takes two
    equal ones, so the old rule goes first; if the new one then fails, the old is put back."""
    old_id, old_label = old_rule["id"], operation.target_name
    doing = Message(gettext_noop("change the description of rule “%(rule)s”"), {"rule": old_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_security_group_rule(old_id, ignore_missing=True)
    doing = Message(
        gettext_noop("change the description of rule “%(rule)s” (the rule was put back unchanged)"),
        {"rule": old_label},
    )
    try:
        with translated(doing=doing, service=NEUTRON):
            made = _create_rule_once(
                conn=conn,
                operation=operation,
                security_group_id=security_group_id,
                rule=rule,
                doing=doing,
            )
    except CloudPermanentError:
        restore = Message(
            gettext_noop(
                "put back rule “%(rule)s” after its description change failed: add it again"
            ),
            {"rule": old_label},
        )
        with translated(doing=restore, service=NEUTRON):
            restored = _create_rule_once(
                conn=conn,
                operation=operation,
                security_group_id=security_group_id,
                rule=old_rule,
                doing=restore,
            )
        _mirror(group_ids=[security_group_id], rule_ids=[old_id, restored.id])
        raise
    _mirror(group_ids=[security_group_id], rule_ids=[old_id, made.id])


@operation_service
def security_group_rule_delete(
    *, conn: Connection, operation: Operation, security_group_id: str, security_group_rule_id: str
) -> None:
    """Delete the rule (already gone counts as done); mirror that."""
    doing = Message(gettext_noop("delete rule “%(rule)s”"), {"rule": operation.target_label})
    with translated(doing=doing, service=NEUTRON):
        conn.network.delete_security_group_rule(security_group_rule_id, ignore_missing=True)
    _mirror(group_ids=[security_group_id], rule_ids=[security_group_rule_id])
