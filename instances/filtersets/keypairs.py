"""Key pair filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectFilterSet
from instances.models import KeyPair


class KeyPairFilterSet(ProjectFilterSet):
    search_fields = ("name", "fingerprint")
    type = django_filters.ChoiceFilter(
        choices=[("ssh", "SSH"), ("x509", "X.509")], empty_label=_("Any type"), label=_("Type")
    )

    class Meta:
        model = KeyPair
        fields = ["q", "type"]
