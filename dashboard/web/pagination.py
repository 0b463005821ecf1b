"""The lists' paginator."""

from collections.abc import Hashable
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django_tables2.rows import BoundRows

from dashboard.mirror.live import VersionedCache

MAX_PAGE_SIZE = 500
# Pages kept under a mirror version (`kept_under`): their records, and the count when known.
KEPT_PAGES = VersionedCache[tuple[list[Any], int | None]](size=256)


class BoundedPaginator(Paginator):  # type: ignore[type-arg]
    """Pages of 1 to MAX_PAGE_SIZE rows, whatever `?per_page=` asks (django-tables2 passes it
    through: -1 or 0 failed, a huge one loaded the whole table).

    A page's rows are read first, one more than a page holds: when no more come back, the page
    is the last and the rows before it and its own are all there are, so the list is counted
    only when another page follows (most of a project's lists fit on one page: one query, not
    two).

    `kept_under` (a key naming the list and its query, and a mirror version) keeps a page's
    records and the list's count under that version (`KEPT_PAGES`): the same version means the
    same rows, so the next request for the page reads no SQL. For lists whose records are read
    only (dicts of values), never model instances a page could change."""

    def __init__(
        self,
        object_list: Any,
        per_page: int | str,
        *,
        kept_under: tuple[Hashable, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PAGE_SIZE), **kwargs)
        self.kept_under = kept_under

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        wanted = _page_number(number)
        if wanted is None or self.orphans or "count" in self.__dict__:
            return super().page(number)  # Django's own checks say what is wrong with it
        bottom = (wanted - 1) * self.per_page
        if self.kept_under is None:
            rows, count = self._read(bottom)
        else:
            key, version = self.kept_under
            records, count = KEPT_PAGES.get(
                (key, self.per_page, wanted), version, lambda: self._read_records(bottom)
            )
            rows = self._bound(records)
        if count is None and len(rows) <= self.per_page:
            return super().page(number)  # past the end: Django's EmptyPage
        if count is not None:
            self.count = count
        return Page(rows[: self.per_page], self.validate_number(wanted), self)

    def _read(self, bottom: int) -> tuple[list[Any], int | None]:
        """The rows from `bottom`, one more than a page holds, and the list's count when they
        tell it (or, for a kept page, always: it is kept with them); None past the end."""
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) <= self.per_page:
            return rows, (bottom + len(rows) if rows or not bottom else None)
        return rows, (self.count if self.kept_under is not None else None)

    def _read_records(self, bottom: int) -> tuple[list[Any], int | None]:
        """`_read`, a table's rows as their records: what a kept page keeps, bound to no
        request's table."""
        rows, count = self._read(bottom)
        if isinstance(self.object_list, BoundRows):
            return [row.record for row in rows], count
        return rows, count

    def _bound(self, records: list[Any]) -> list[Any]:
        """A kept page's rows: a table's records bound to this request's table."""
        if isinstance(self.object_list, BoundRows):
            return list(BoundRows(data=records, table=self.object_list.table))
        return records

    def get_page(self, number: Any) -> Page:  # type: ignore[type-arg]
        """Django's `get_page` (the first page for a number that is none, the last past the
        end), through `page`."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


def _page_number(number: Any) -> int | None:
    """A page number as Django's paginator accepts it (1 and up, "2", 2.0), else None."""
    try:
        if isinstance(number, float) and not number.is_integer():
            return None
        wanted = int(number)
    except (TypeError, ValueError):
        return None
    return wanted if wanted >= 1 else None
