"""The lists' paginator."""

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

MAX_PAGE_SIZE = 500


class BoundedPaginator(Paginator):  # type: ignore[type-arg]
    """Pages of 1 to MAX_PAGE_SIZE rows, whatever `?per_page=` asks (django-tables2 passes it
    through: -1 or 0 failed, a huge one loaded the whole table).

    A page's rows are read first, one more than a page holds: when no more come back, the page
    is the last and the rows before it and its own are all there are, so the list is counted
    only when another page follows (most of a project's lists fit on one page: one query, not
    two)."""

    def __init__(self, object_list: Any, per_page: int | str, **kwargs: Any) -> None:
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PAGE_SIZE), **kwargs)

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        wanted = _page_number(number)
        if wanted is None or self.orphans or "count" in self.__dict__:
            return super().page(number)  # Django's own checks say what is wrong with it
        bottom = (wanted - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) <= self.per_page:
            if not rows and bottom:
                return super().page(number)  # past the end: Django's EmptyPage
            self.count = bottom + len(rows)
        return Page(rows[: self.per_page], self.validate_number(wanted), self)

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
