"""One filterset for the Activity page and the operations API."""

import django_filters

from dashboard.operations.models import Operation


class OperationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Operation.Status.choices, empty_label="Any status", label="Status"
    )
    action = django_filters.CharFilter(lookup_expr="icontains", label="Action")
    user = django_filters.CharFilter(field_name="user_name", lookup_expr="icontains", label="User")
    since = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="From"
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label="Until"
    )

    class Meta:
        model = Operation
        fields = ["status", "action", "user", "since", "until"]
