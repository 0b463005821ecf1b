"""The base of every list filter: one filterset serves a page and its API endpoint."""

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator
from django_filters.widgets import BooleanWidget

from dashboard.mirror.live import VersionedCache
from dashboard.mirror.middleware import request_versions
from dashboard.sessions import request_session
from dashboard.web.forms import bootstrap_class
from dashboard.web.querysets import SIZE, built_once


class AnyBooleanWidget(BooleanWidget):
    """Any / Yes / No: django-filter's empty choice reads "Unknown", as if it were a state."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


# The options' rows, by selector and project, at the session's mirror version.
OPTIONS = VersionedCache[list[Any]](size=256)


def _option_rows(field: Any) -> Iterable[Any]:
    """The field's rows: read once per mirror version (a query and its model instances cost as
    much as a tenth of a list page), or from the form's own copy of its queryset."""
    if field.rows_key is None:
        return field.queryset  # type: ignore[no-any-return]
    key, version = field.rows_key
    return OPTIONS.get(key, version, lambda: list(field.queryset))


class _RowsInOneQuery(forms.models.ModelChoiceIterator):  # type: ignore[type-arg]
    """Django's options of a model choice, read with one plain query. Django reads them through
    `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor (three round trips and a
    transaction) for a list of a few dozen options; that was a tenth of the ports page."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in _option_rows(self.field):
            yield self.choice(obj)


class _OptionsInOneQuery(ModelChoiceIterator, _RowsInOneQuery):  # type: ignore[type-arg]
    """django-filter's options (its "null" choice after the empty one) over those rows."""


class _ProjectChoiceField(ModelChoiceField):
    iterator = _OptionsInOneQuery
    # (selector and project, mirror version): set by ProjectChoiceFilter on a full page.
    rows_key: tuple[tuple[str, ...], str] | None = None


class ProjectChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of related objects, scoped like everything else: `selector` (a function taking
    `project_id`) reads them for the session's project when the filter's form is built; there
    are none without a request (while the API schema is made). Options load only the fields
    their label shows (`MirrorModel.label_fields`)."""

    field_class = _ProjectChoiceField

    def __init__(self, *, selector: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.selector = selector

    @property
    def field(self) -> Any:
        field: Any = super().field
        request = self.get_request()
        version = request_versions(request).mirror
        if version:  # the options are the selector's rows for the session's project
            project_id = request_session(request).project_id
            selector = (self.selector.__module__, self.selector.__qualname__)
            field.rows_key = ((*selector, project_id), version)
        return field

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        if request is None:
            return self.selector(project_id="").none()
        return _choices(self.selector, request_session(request).project_id).all()


@lru_cache(maxsize=SIZE)
def _choices(selector: Callable[..., QuerySet[Any]], project_id: str) -> QuerySet[Any]:
    """The options' queryset of a selector for a project (`built_once`, never evaluated itself).
    An option is the object's id and its name: a list of hundreds of images or flavors need not
    load (and decode) each one's every field."""
    choices = built_once(selector, project_id).all()
    label_fields = getattr(choices.model, "label_fields", None)
    if not label_fields:
        return choices
    return choices.select_related(None).prefetch_related(None).only("pk", *label_fields)


class ProjectFilterSet(django_filters.FilterSet):
    """Filters for a list of the session's project; `q` is the quick search over `search_fields`.

    Yes/no filters offer "Any"; choice filters name their empty choice "Any …" themselves (the
    `FILTERS_EMPTY_CHOICE_LABEL` setting is the fallback).
    """

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search")}),
    )
    search_fields: tuple[str, ...] = ("name", "id", "description")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():  # this instance's copies
            if isinstance(filter_, django_filters.BooleanFilter):
                filter_.extra.setdefault("widget", AnyBooleanWidget)

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
