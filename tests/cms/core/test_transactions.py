"""After-commit work registered once (cms.core.transactions), and the page tree's generation
renewed after the commit of the write that changed the tree."""

from __future__ import annotations

import pytest
from django.db import transaction

from cms.core.page_cache import tree_forget, tree_generation
from cms.core.transactions import on_commit_once, renewed_again_after_commit

# Each test's own transaction stands for the request's: django_capture_on_commit_callbacks runs
# what would run at its commit, without the cost of a test that really commits.
pytestmark = pytest.mark.usefixtures("site_caches")


class _Calls:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.mark.django_db
def test_many_asks_in_one_transaction_run_once_after_commit(django_capture_on_commit_callbacks):
    calls = _Calls()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            on_commit_once(calls)
        assert calls.count == 0
    assert calls.count == 1


@pytest.mark.django_db
def test_nothing_runs_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    calls = _Calls()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        on_commit_once(calls)
        raise RuntimeError("the write fails")
    assert calls.count == 0


@pytest.mark.django_db
def test_a_savepoint_rolled_back_leaves_the_outer_registration(django_capture_on_commit_callbacks):
    calls = _Calls()
    with django_capture_on_commit_callbacks(execute=True):
        on_commit_once(calls)
        with pytest.raises(RuntimeError), transaction.atomic():
            on_commit_once(calls)
            raise RuntimeError("the inner write fails")
    assert calls.count == 1


@pytest.mark.django_db
def test_writes_in_savepoints_one_after_another_register_once(django_capture_on_commit_callbacks):
    """As a view saving a package in its own savepoint, then its version in another."""
    calls = _Calls()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(3):
            with transaction.atomic():
                on_commit_once(calls)
    assert (len(callbacks), calls.count) == (1, 1)


@pytest.mark.django_db
def test_a_registration_rolled_back_with_its_savepoint_is_made_again_by_a_later_write(
    django_capture_on_commit_callbacks,
):
    calls = _Calls()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            on_commit_once(calls)
            raise RuntimeError("the first write fails")
        on_commit_once(calls)  # the write that stays must still be followed by the work
    assert calls.count == 1


@pytest.mark.django_db
def test_a_write_in_a_savepoint_rolled_back_alone_renews_nothing_but_the_rest_does(
    django_capture_on_commit_callbacks,
):
    outer, inner = _Calls(), _Calls()
    with django_capture_on_commit_callbacks(execute=True):
        on_commit_once(outer)
        with pytest.raises(RuntimeError), transaction.atomic():
            on_commit_once(inner)
            raise RuntimeError("the inner write fails")
    assert (outer.count, inner.count) == (1, 0)


@pytest.mark.django_db
def test_a_tree_read_while_a_publish_was_uncommitted_is_left_behind_at_commit(
    django_capture_on_commit_callbacks,
):
    before = tree_generation()
    with django_capture_on_commit_callbacks(execute=True):
        tree_forget()  # a page is published in this transaction
        # Another request reads the tree now: it sees the old rows, and keeps what it read
        # under the generation it finds (made afresh, since the old one was deleted).
        meanwhile = tree_generation()
        assert meanwhile != before
    assert tree_generation() not in {before, meanwhile}


def test_outside_a_transaction_the_work_runs_at_once_without_the_database():
    calls = _Calls()
    on_commit_once(calls)  # this test has no database access: asking for it would fail
    assert calls.count == 1


def test_outside_a_transaction_failing_work_is_logged_not_raised(caplog):
    def fails() -> None:
        raise ConnectionError("the cache is down")

    on_commit_once(fails)
    assert "After-commit work" in caplog.text


@pytest.mark.django_db
def test_a_renewal_made_at_once_is_made_again_after_commit(django_capture_on_commit_callbacks):
    calls = _Calls()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            renewed_again_after_commit(calls)
        assert calls.count == 0
    assert calls.count == 1


def test_outside_a_transaction_a_renewal_made_at_once_is_not_made_again():
    calls = _Calls()
    renewed_again_after_commit(calls)  # the caller's own renewal already follows the write
    assert calls.count == 0
