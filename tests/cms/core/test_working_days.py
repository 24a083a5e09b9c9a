"""Working days: England and Wales bank holidays as published, and the Christmas fortnight."""

import datetime as dt

import pytest

from cms.core.working_days import (
    bank_holidays,
    easter_sunday,
    is_working_day,
    working_day_on_or_after,
    working_week_on_or_after,
    working_week_on_or_before,
)

D = dt.date

# The published lists (gov.uk/bank-holidays, England and Wales).
PUBLISHED = {
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25), D(2020, 8, 31),
           D(2020, 12, 25), D(2020, 12, 28)],
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31), D(2021, 8, 30),
           D(2021, 12, 27), D(2021, 12, 28)],
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2), D(2022, 6, 3),
           D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8), D(2023, 5, 29),
           D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27), D(2024, 8, 26),
           D(2024, 12, 25), D(2024, 12, 26)],
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25),
           D(2025, 12, 25), D(2025, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
           D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
           D(2027, 12, 27), D(2027, 12, 28)],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_list(year):
    assert sorted(bank_holidays(year)) == PUBLISHED[year]


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2000, D(2000, 4, 23)), (2019, D(2019, 4, 21)), (2038, D(2038, 4, 25)), (2285, D(2285, 3, 22))],
)
def test_easter_falls_on_the_known_sunday_including_the_earliest_and_latest(year, easter):
    assert easter_sunday(year) == easter
    assert easter_sunday(year).weekday() == 6


def test_weekends_bank_holidays_and_the_christmas_fortnight_are_not_working_days():
    assert is_working_day(D(2026, 12, 2))
    assert not is_working_day(D(2026, 12, 5))  # Saturday
    assert not is_working_day(D(2026, 8, 31))  # summer bank holiday
    assert not is_working_day(D(2026, 12, 21))  # Monday of Christmas week
    assert not is_working_day(D(2027, 1, 1))
    assert not is_working_day(D(2027, 1, 3))
    assert is_working_day(D(2027, 1, 4))
    assert is_working_day(D(2026, 12, 18))


def test_a_week_is_chosen_only_when_all_five_days_are_working_days():
    """The demo's case: two weeks from 2 December 2026 is Christmas week; the next whole one is 4 January."""
    assert working_week_on_or_after(D(2026, 12, 16)) == (D(2027, 1, 4), D(2027, 1, 8))
    # Easter Monday 2027 (29 March) rules out that week; so does Good Friday the week before.
    assert working_week_on_or_after(D(2027, 3, 22)) == (D(2027, 4, 5), D(2027, 4, 9))
    assert working_week_on_or_before(D(2027, 4, 1)) == (D(2027, 3, 15), D(2027, 3, 19))
    assert working_day_on_or_after(D(2026, 12, 24)) == D(2027, 1, 4)
