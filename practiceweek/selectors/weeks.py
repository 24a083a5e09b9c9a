"""The week: which one is current, its days, and where sign-up stands."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from practiceweek.models import PracticeWeek


def week_current(*, today: dt.date | None = None) -> PracticeWeek | None:
    """The next or running practice week; the most recent one when none is ahead."""
    today = today or timezone.localdate()
    upcoming = PracticeWeek.objects.filter(ends_on__gte=today).order_by("starts_on").first()
    return upcoming or PracticeWeek.objects.order_by("-starts_on").first()


def week_days(*, week: PracticeWeek) -> list[dt.date]:
    days = []
    day = week.starts_on
    while day <= week.ends_on:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def signup_state(*, week: PracticeWeek, now: dt.datetime | None = None) -> str:
    """One of: not_open, ballot (requests being collected), ballot_pending, open, closed."""
    now = now or timezone.now()
    if now < week.signup_opens_at:
        return "not_open"
    if now >= week.signup_closes_at:
        return "closed"
    if week.is_ballot and week.ballot_drawn_at is None:
        return "ballot" if week.ballot_closes_at and now < week.ballot_closes_at else "ballot_pending"
    return "open"
