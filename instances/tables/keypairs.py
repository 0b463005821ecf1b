"""The key pairs table: the signed-in user's key pairs, which Nova's default policy lets them
delete (`instances.forms.keypairs`)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from dashboard.web.tables import ActionsColumn, ProjectTable, RowAction, SelectColumn
from instances.models import KeyPair


class KeyPairTable(ProjectTable):
    pk = SelectColumn()
    name = tables.Column(verbose_name=_("Name"))
    type = tables.Column(verbose_name=_("Type"))
    fingerprint = tables.Column(
        verbose_name=_("Fingerprint"), attrs={"td": {"class": "font-monospace small"}}
    )
    actions = ActionsColumn(
        [
            RowAction(
                _("Delete"),
                "delete",
                # Translators: {obj} is the key pair's name; keep it as it is.
                confirm=_("Delete key pair {obj}? Servers that use it keep their copy."),
                danger=True,
            )
        ]
    )

    class Meta(ProjectTable.Meta):
        model = KeyPair
        fields = ("pk", "name", "type", "fingerprint")
        empty_text = _("No key pairs yet. Create one, or import your public key.")
