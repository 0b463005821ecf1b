"""The lists' paginator: Django's pages, with the list counted only when another page follows."""

from typing import Any

import pytest
from django.core.paginator import Paginator

from dashboard.mirror.models import SyncState
from dashboard.web.pagination import MAX_PAGE_SIZE, BoundedPaginator

NUMBERS: list[Any] = [1, 2, 3, 5, "2", 2.0, 2.5, 0, -1, "x", None, ""]


def _page(paginator: "Paginator[Any]", method: str, number: Any) -> object:
    """What Django's pages say of `number`: rows, number, count, pages; or the error's name."""
    try:
        page = getattr(paginator, method)(number)
    except Exception as error:  # the error itself is what is compared
        return type(error).__name__
    rows = list(page.object_list)
    return rows, page.number, paginator.count, paginator.num_pages, page.has_next()


@pytest.mark.parametrize("rows", [0, 1, 24, 25, 26, 50, 51, 100])
@pytest.mark.parametrize("method", ["page", "get_page"])
def test_its_pages_and_errors_are_djangos(rows: int, method: str) -> None:
    for number in NUMBERS:
        ours = _page(BoundedPaginator(list(range(rows)), 25), method, number)
        assert ours == _page(Paginator(list(range(rows)), 25), method, number), number


def test_the_page_size_is_bounded() -> None:
    assert BoundedPaginator([], -1).per_page == 1
    assert BoundedPaginator([], 10**6).per_page == MAX_PAGE_SIZE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "number", "queries"),
    [
        (3, 1, 1),  # one page: the rows tell the count
        (30, 2, 1),  # the last page, likewise
        (30, 1, 2),  # another page follows: counted
        (30, 3, 3),  # past the end: nothing read, counted, Django's last page read
    ],
)
def test_the_list_is_counted_only_when_the_rows_read_cannot_tell(
    rows: int, number: int, queries: int, django_assert_num_queries: Any
) -> None:
    SyncState.objects.bulk_create(SyncState(group=f"group-{n:02d}") for n in range(rows))
    states = SyncState.objects.order_by("group")

    with django_assert_num_queries(queries):
        page = BoundedPaginator(states, 25).get_page(number)
        names = [state.group for state in page.object_list]

    expected = Paginator(states, 25).get_page(number)
    assert names == [state.group for state in expected.object_list]
    assert page.paginator.count == rows
