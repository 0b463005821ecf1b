"""Router filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dashboard.web.filtersets import ProjectChoiceFilter, ProjectFilterSet
from networks.models import Router
from networks.selectors.networks import external_network_list


class RouterFilterSet(ProjectFilterSet):
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
    has_gateway = django_filters.BooleanFilter(
        field_name="external_network", lookup_expr="isnull", exclude=True, label=_("Has a gateway")
    )
    # Related choices are always scoped: the external networks the project sees.
    external_network = ProjectChoiceFilter(
        selector=external_network_list,
        label=_("External network"),
        empty_label=_("Any external network"),
    )
    enable_snat = django_filters.BooleanFilter(label=_("SNAT"))

    class Meta:
        model = Router
        fields = ["q", "status", "has_gateway", "external_network", "enable_snat"]
