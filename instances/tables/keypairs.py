"""The key pairs table: the signed-in user's key pairs, which Nova's default policy lets them
delete (`instances.forms.keypairs`)."""

import django_tables2 as tables

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn
from instances.models import KeyPair


class KeyPairTable(ProjectTable):
    pk = SelectColumn()
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
