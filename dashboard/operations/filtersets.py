"""One filterset for the Activity page and the operations API."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from dashboard.operations.models import Operation


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, in UTC: Python takes offsets up to ±23:59 where PostgreSQL refuses
    those past ±15:59, and a time near year 1 or 9999 may have no UTC equivalent."""

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(
                _("Enter a time between the years 1 and 9999 in UTC."), code="invalid"
            ) from None


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


class OperationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=Operation.Status.choices, empty_label=_("Any status"), label=_("Status")
    )
    action = django_filters.CharFilter(lookup_expr="icontains", label=_("Action"))
    user = django_filters.CharFilter(
        field_name="user_name", lookup_expr="icontains", label=_("User")
    )
    since = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("From"))
    until = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("Until"))

    class Meta:
        model = Operation
        fields = ["q", "status", "action", "user", "since", "until"]

    def search(self, queryset: QuerySet[Operation], name: str, value: str) -> QuerySet[Operation]:
        """Operations on an object found by its name or id (as typed, in any script), or by
        the English wording of what they do (the description's msgid: "router" finds every
        router operation; the wording in another language is not searched)."""
        value = value.strip()
        return queryset.filter(
            Q(target_name__icontains=value)
            | Q(target_id__icontains=value)
            | Q(description_json__msgid__icontains=value)
        )
