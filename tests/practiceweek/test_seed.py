"""The demo seed: a bookable week in the coming weeks, forty slots across six teams, idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from practiceweek.models import Booking, PracticeWeek, Slot
from practiceweek.seed import demo_week_dates
from practiceweek.selectors import signup_state

pytestmark = pytest.mark.django_db


def test_the_demo_week_starts_on_a_monday_two_to_three_weeks_ahead():
    assert demo_week_dates(dt.date(2026, 11, 23)) == (dt.date(2026, 12, 7), dt.date(2026, 12, 11))
    assert demo_week_dates(dt.date(2026, 11, 25)) == (dt.date(2026, 12, 14), dt.date(2026, 12, 18))


def test_seed_demo_creates_a_bookable_week_once(settings):
    with open("/dev/null", "w") as devnull:
        call_command("seed_demo", stdout=devnull)
        counts = (Slot.objects.count(), Booking.objects.count())
        call_command("seed_demo", stdout=devnull)
    week = PracticeWeek.objects.get(slug="practice-week-demo")
    assert (Slot.objects.count(), Booking.objects.count()) == counts
    assert counts[0] == 40
    assert Slot.objects.values("host_team").distinct().count() == 6
    assert not Slot.objects.filter(hosts=None).exists()
    assert week.starts_on > timezone.localdate()
    assert signup_state(week=week) == "open"
    assert Booking.objects.filter(status="waitlisted").exists()
