"""Selectors' querysets, built once per process."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet

# About 14 KiB each (a list's queryset with its subqueries): 7 MiB at most per process.
SIZE = 512


@lru_cache(maxsize=SIZE)
def built_once(selector: Callable[..., QuerySet[Any]], project_id: str) -> QuerySet[Any]:
    """`selector(project_id=project_id)`, built once per process and never evaluated itself:
    take a copy (`.all()`) to use it. Building a list's filters, annotations and subqueries
    cost up to a millisecond a page. Only for selectors whose queryset depends on nothing but
    the project (no clock, no setting read at the call)."""
    return selector(project_id=project_id)
