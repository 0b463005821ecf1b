"""One filterset for the Activity page and the operations API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dashboard.operations.models import Operation


class OperationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Operation.Status.choices, empty_label=_("Any status"), label=_("Status")
    )
    action = django_filters.CharFilter(lookup_expr="icontains", label=_("Action"))
    user = django_filters.CharFilter(
        field_name="user_name", lookup_expr="icontains", label=_("User")
    )
    since = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("From")
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("Until")
    )

    class Meta:
        model = Operation
        fields = ["status", "action", "user", "since", "until"]
