"""Messages kept now and read later in the reader's language, and the operations kept as texts
before they were Messages."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from dashboard.i18n import Message, gettext_noop, ngettext_noop


def test_a_message_inside_another_keeps_its_form_through_json() -> None:
    minutes = Message.plural(ngettext_noop("%(count)s minute", "%(count)s minutes"), count=3)
    description = Message("Create network “%(name)s”", {"name": "Web"}).lowered()
    outer = Message(
        gettext_noop("Could not %(doing)s: %(why)s.%(cloud_says)s%(suffix)s"),
        {"doing": description, "why": minutes, "cloud_says": "", "suffix": " (Neutron 409)"},
    )

    kept = Message.from_json(outer.as_json())

    assert kept == outer
    with translation.override("en"):
        assert str(kept) == "Could not create network “Web”: 3 minutes. (Neutron 409)"
    with translation.override("zh-hans"):
        assert str(kept) == "无法创建网络“Web”：3 分钟。 (Neutron 409)"


def test_a_plain_string_is_a_message_of_its_own() -> None:
    assert Message.of("Overview") == Message("Overview")
    with translation.override("zh-hans"):
        assert str(Message.of("Overview")) == "概览"
        assert str(Message.of("Made before messages: 100%")) == "Made before messages: 100%"


MIGRATION_BEFORE = [("operations", "0002_operation_long_ids_and_descriptions")]
MIGRATION_AFTER = [("operations", "0003_operation_messages")]


def _migrated_to(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_operations_kept_as_texts_become_messages_and_back() -> None:
    old_apps = _migrated_to(MIGRATION_BEFORE)
    old = old_apps.get_model("operations", "Operation")
    common = {"action": "networks.network_create", "target_type": "network", "project_id": "p"}
    failed = old.objects.create(
        description="Create network “a”", error_message="Could not: it failed.", **common
    )
    fine = old.objects.create(description="Create network “b”", **common, target_id="b")

    new_apps = _migrated_to(MIGRATION_AFTER)
    new = new_apps.get_model("operations", "Operation")
    assert new.objects.get(pk=failed.pk).description_json == {"msgid": "Create network “a”"}
    assert new.objects.get(pk=failed.pk).failure_json == {"msgid": "Could not: it failed."}
    assert new.objects.get(pk=fine.pk).failure_json is None

    back = _migrated_to(MIGRATION_BEFORE).get_model("operations", "Operation")
    assert back.objects.get(pk=failed.pk).description == "Create network “a”"
    assert back.objects.get(pk=failed.pk).error_message == "Could not: it failed."
    assert back.objects.get(pk=fine.pk).error_message == ""
    # Every app back at its latest migration, for the tests after this one.
    _migrated_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
