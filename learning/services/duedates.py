"""Due-date arithmetic. Pure functions on dates: no database, no clock.

"Today" is always the caller's local date in Europe/London (timezone.localdate()),
so a scan at 00:30 during British Summer Time already counts the new day.
"""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """Add calendar months, clamping to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def due_date_for(
    *,
    due_mode: str,
    fixed_date: date | None,
    due_days: int | None,
    late_joiner_days: int,
    enrolled_on: date,
    start_date: date | None,
) -> date:
    """The due date fair to one person.

    - fixed: the fixed date, unless they joined the audience too late to meet it, when
      they get `late_joiner_days` from joining;
    - after_start: start date + days (joining date if the start date is unknown), and
      never earlier than `late_joiner_days` after joining for someone added long after
      starting;
    - after_assignment: joining date + days.
    """
    if due_mode == "fixed":
        if fixed_date is None:
            raise ValueError("a fixed due date needs a date")
        return max(fixed_date, enrolled_on + timedelta(days=late_joiner_days))
    if due_days is None:
        raise ValueError("a relative due date needs a number of days")
    if due_mode == "after_start":
        anchor = start_date or enrolled_on
        return max(
            anchor + timedelta(days=due_days), enrolled_on + timedelta(days=min(late_joiner_days, due_days))
        )
    if due_mode == "after_assignment":
        return enrolled_on + timedelta(days=due_days)
    raise ValueError(f"unknown due mode {due_mode!r}")


def recertification_due(*, completed_on: date, recertify_months: int) -> date:
    """When a completion expires and a new cycle is due."""
    return add_months(completed_on, recertify_months)


def weeks_overdue(*, due: date, today: date) -> int:
    """Whole weeks since the due date (0 on the first overdue day)."""
    return max(0, (today - due).days - 1) // 7


def completion_is_current(*, completed_on: date, recertify_months: int | None, today: date) -> bool:
    """Whether a completion still counts today (it expires under recertification)."""
    if recertify_months is None:
        return True
    return today < recertification_due(completed_on=completed_on, recertify_months=recertify_months)
