"""Due-date arithmetic: relative dates, month ends, late joiners, recertification."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.services import add_months, completion_is_current, due_date_for, weeks_overdue


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 12, date(2027, 8, 31)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_shorter_months(start, months, expected):
    assert add_months(start, months) == expected


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=0, max_value=120)
)
def test_add_months_never_goes_backwards_and_lands_in_the_right_month(day, months):
    result = add_months(day, months)
    assert result >= day
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months


def _due(**rule):
    """The due date for a rule: no fixed date, day count or start date unless given; 28 days' grace."""
    return due_date_for(
        **{"fixed_date": None, "due_days": None, "late_joiner_days": 28, "start_date": None} | rule
    )


def test_fixed_due_date_holds_for_people_enrolled_in_good_time():
    """Everyone in the first wave is due by the fixed date."""
    assert _due(due_mode="fixed", fixed_date=date(2027, 3, 31), enrolled_on=date(2026, 11, 23)) == date(
        2027, 3, 31
    )


def test_a_late_joiner_gets_the_late_joiner_allowance_not_an_already_overdue_date():
    """Someone who joins the team in April is not overdue on day one for a March deadline."""
    assert _due(due_mode="fixed", fixed_date=date(2027, 3, 31), enrolled_on=date(2027, 4, 10)) == date(
        2027, 5, 8
    )


def test_new_recruits_get_n_days_from_their_start_date():
    assert _due(
        due_mode="after_start", due_days=30, enrolled_on=date(2026, 12, 1), start_date=date(2027, 1, 4)
    ) == date(2027, 2, 3)


def test_start_date_unknown_counts_from_enrolment():
    assert _due(due_mode="after_start", due_days=30, enrolled_on=date(2026, 12, 1)) == date(2026, 12, 31)


def test_someone_added_long_after_starting_still_gets_time():
    """A worker who started years ago is not overdue the day the assignment reaches them."""
    assert _due(
        due_mode="after_start", due_days=30, enrolled_on=date(2026, 12, 1), start_date=date(2019, 5, 1)
    ) == date(2026, 12, 29)


def test_relative_to_assignment_counts_from_joining_the_audience():
    assert _due(due_mode="after_assignment", due_days=14, enrolled_on=date(2027, 3, 25)) == date(2027, 4, 8)


@pytest.mark.parametrize(
    ("mode", "fixed", "days"), [("fixed", None, None), ("after_start", None, None), ("weekly", None, 3)]
)
def test_incomplete_or_unknown_rules_are_refused(mode, fixed, days):
    with pytest.raises(ValueError):
        _due(due_mode=mode, fixed_date=fixed, due_days=days, enrolled_on=date(2027, 1, 1))


def test_recertification_expires_on_the_anniversary():
    """An MI refresher every 12 months: last year's completion stops counting on its anniversary."""
    completed = date(2026, 2, 28)
    assert completion_is_current(completed_on=completed, recertify_months=12, today=date(2027, 2, 27))
    assert not completion_is_current(completed_on=completed, recertify_months=12, today=date(2027, 2, 28))
    assert completion_is_current(completed_on=completed, recertify_months=None, today=date(2040, 1, 1))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 1), 0),
        (date(2027, 1, 7), 0),
        (date(2027, 1, 8), 1),
        (date(2027, 1, 14), 1),
        (date(2027, 1, 15), 2),
    ],
)
def test_weeks_overdue_starts_at_zero_on_the_first_overdue_day(today, expected):
    assert weeks_overdue(due=date(2026, 12, 31), today=today) == expected
