"""My team's ordering helper: any page of it is that page of the fully sorted items."""

from django.core.paginator import Paginator
from hypothesis import given
from hypothesis import strategies as st

from learning.selectors.team import _InOrder

items_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 50), st.text(max_size=3), st.integers())
)


@given(items=items_strategy, per_page=st.integers(1, 7), page=st.integers(-1, 12))
def test_every_page_matches_the_sorted_list(items, per_page, page):
    expected = Paginator(sorted(items), per_page).get_page(page)
    got = Paginator(_InOrder(list(items)), per_page).get_page(page)
    assert got.number == expected.number
    assert list(got.object_list) == list(expected.object_list)
    assert got.paginator.count == len(items)
