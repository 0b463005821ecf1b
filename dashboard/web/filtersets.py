"""The base of every list filter: one filterset serves a page and its API endpoint."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from dashboard.web.forms import bootstrap_class


class ProjectFilterSet(django_filters.FilterSet):
    """Filters for a list of the session's project; `q` is the quick search over `search_fields`."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search"}),
    )
    search_fields: tuple[str, ...] = ("name", "id", "description")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query)

    @property
    def form(self) -> forms.Form:
        form: forms.Form = super().form
        for field in form.fields.values():
            widget = field.widget
            css = bootstrap_class(widget)
            if css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{css} {css}-sm" if css != "form-check-input" else css
        return form
