"""Network filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectFilterSet
from networks.models import Network


class NetworkFilterSet(ProjectFilterSet):
    status = django_filters.ChoiceFilter(
        choices=[
            ("ACTIVE", _("Active")),
            ("DOWN", _("Down")),
            ("BUILD", _("Build")),
            ("ERROR", _("Error")),
        ],
        empty_label=_("Any status"),
        label=_("Status"),
    )
    # Neutron's `shared` as the project reads it (see `network_list`).
    shared = django_filters.BooleanFilter(field_name="shared_with_project", label=_("Shared"))
    router_external = django_filters.BooleanFilter(label=_("External"))

    class Meta:
        model = Network
        fields = ["q", "status", "shared", "router_external"]
