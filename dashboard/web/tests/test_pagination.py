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


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "number"), [(3, 1), (30, 1), (30, 2)])
def test_a_page_kept_under_a_version_is_read_once_per_version(
    rows: int, number: int, django_assert_num_queries: Any
) -> None:
    """`kept_under`: the page's records and the list's count are kept under the mirror version;
    the same version reads no SQL, another reads them again."""
    SyncState.objects.bulk_create(SyncState(group=f"group-{n:02d}") for n in range(rows))
    states = SyncState.objects.order_by("group").values_list("group", flat=True)
    expected = list(Paginator(states, 25).get_page(number).object_list)

    def read(version: str) -> tuple[list[Any], int]:
        page = BoundedPaginator(states, 25, kept_under=("states", version)).get_page(number)
        return list(page.object_list), page.paginator.count

    first = read("v1")
    with django_assert_num_queries(0):
        again = read("v1")
    SyncState.objects.create(group="group-00a")  # moves the version (not here)
    with django_assert_num_queries(0):
        assert read("v1") == first
    after = read("v2")

    assert first == again == (expected, rows)
    assert after[1] == rows + 1


@pytest.mark.django_db
def test_a_kept_page_past_the_end_is_still_djangos_error() -> None:
    SyncState.objects.bulk_create(SyncState(group=f"group-{n:02d}") for n in range(3))
    paginator = BoundedPaginator(SyncState.objects.order_by("group"), 25, kept_under=("s", "v"))

    assert _page(paginator, "page", 2) == "EmptyPage"
    assert _page(paginator, "page", 2) == "EmptyPage"
