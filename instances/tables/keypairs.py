"""The key pairs table: the signed-in user's key pairs, which Nova's default policy lets them
delete (`instances.forms.keypairs`)."""

from typing import Any

import django_tables2 as tables

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn
from instances.models import KeyPair


class KeyPairSelectColumn(SelectColumn):
    """Every listed key pair is the signed-in user's own (key pairs have no project)."""

    def render(self, value: Any, bound_column: Any, record: Any, table: ProjectTable) -> Any:
        return tables.CheckBoxColumn.render(self, value, bound_column, record)


class KeyPairTable(ProjectTable):
    pk = KeyPairSelectColumn()
    name = tables.Column()
    type = tables.Column(verbose_name="Type")
    fingerprint = tables.Column(attrs={"td": {"class": "font-monospace small"}})
    actions = ActionsColumn(
        [
            RowAction(
                "Delete",
                "delete",
                confirm="Delete key pair {obj}? Servers that use it keep their copy.",
                danger=True,
            )
        ]
    )

    class Meta(ProjectTable.Meta):
        model = KeyPair
        fields = ("pk", "name", "type", "fingerprint")
        empty_text = "No key pairs yet. Create one, or import your public key."
