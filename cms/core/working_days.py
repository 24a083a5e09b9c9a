"""Working days in England: weekdays that are not bank holidays, and the Christmas fortnight.

Used to date things people must turn up to (the demo's practice week, due dates), so that
nothing falls on a bank holiday or when teams are mostly on leave. The bank holidays are
worked out from the rules in the Banking and Financial Dealings Act 1971 and the royal
proclamations since (a weekend holiday moves to the next weekday), plus the one-off
holidays and moved dates announced since 2000; tests check them against the published lists.
"""

from __future__ import annotations

import datetime as dt
import functools

# Royal proclamations: holidays added once, and regular holidays moved in a particular year.
ONE_OFF_HOLIDAYS = frozenset(
    {
        dt.date(2002, 6, 3),  # Golden Jubilee
        dt.date(2011, 4, 29),  # Royal wedding
        dt.date(2012, 6, 5),  # Diamond Jubilee
        dt.date(2022, 6, 3),  # Platinum Jubilee
        dt.date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        dt.date(2023, 5, 8),  # Coronation of King Charles III
    }
)
# The early May holiday (normally the first Monday) and the spring holiday (normally the last
# Monday of May) in the years they were moved.
EARLY_MAY_MOVED = {1995: dt.date(1995, 5, 8), 2020: dt.date(2020, 5, 8)}
SPRING_MOVED = {2002: dt.date(2002, 6, 4), 2012: dt.date(2012, 6, 4), 2022: dt.date(2022, 6, 2)}

# Most teams are on leave from the Monday before Christmas week to the first working days of
# January: the two weeks from 21 December to 3 January.
CHRISTMAS_FORTNIGHT_STARTS = (12, 21)
CHRISTMAS_FORTNIGHT_ENDS = (1, 3)

MONDAY, SATURDAY, SUNDAY = 0, 5, 6


def easter_sunday(year: int) -> dt.date:
    """Easter Day in the Gregorian calendar (the computus of the Western churches)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon_correction = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon_correction + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday_offset = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    late = (golden + 11 * epact + 22 * weekday_offset) // 451
    month, day = divmod(epact + weekday_offset - 7 * late + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(MONDAY - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - MONDAY) % 7)


def _next_weekday(day: dt.date, taken: set[dt.date]) -> dt.date:
    while day.weekday() in (SATURDAY, SUNDAY) or day in taken:
        day += dt.timedelta(days=1)
    return day


@functools.cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in `year`, with substitute days for weekend ones."""
    easter = easter_sunday(year)
    days = {
        _next_weekday(dt.date(year, 1, 1), set()),
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        EARLY_MAY_MOVED.get(year, _first_monday(year, 5)),
        SPRING_MOVED.get(year, _last_monday(year, 5)),
        _last_monday(year, 8),
    }
    # Christmas Day then Boxing Day, each on the next weekday not already taken.
    christmas = _next_weekday(dt.date(year, 12, 25), set())
    boxing = _next_weekday(max(dt.date(year, 12, 26), christmas + dt.timedelta(days=1)), {christmas})
    days |= {christmas, boxing}
    days |= {day for day in ONE_OFF_HOLIDAYS if day.year == year}
    return frozenset(days)


def is_bank_holiday(day: dt.date) -> bool:
    return day in bank_holidays(day.year)


def in_christmas_fortnight(day: dt.date) -> bool:
    return (day.month, day.day) >= CHRISTMAS_FORTNIGHT_STARTS or (
        day.month,
        day.day,
    ) <= CHRISTMAS_FORTNIGHT_ENDS


def is_working_day(day: dt.date) -> bool:
    """A weekday that is neither a bank holiday nor in the Christmas fortnight."""
    return day.weekday() < SATURDAY and not is_bank_holiday(day) and not in_christmas_fortnight(day)


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_week_on_or_after(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first Monday to Friday, starting on or after `day`, whose five days are all working days."""
    monday = day + dt.timedelta(days=(MONDAY - day.weekday()) % 7)
    while not all(is_working_day(monday + dt.timedelta(days=offset)) for offset in range(5)):
        monday += dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=4)


def working_week_on_or_before(day: dt.date) -> tuple[dt.date, dt.date]:
    """The last Monday to Friday, starting on or before `day`, whose five days are all working days."""
    monday = day - dt.timedelta(days=(day.weekday() - MONDAY) % 7)
    while not all(is_working_day(monday + dt.timedelta(days=offset)) for offset in range(5)):
        monday -= dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=4)
