"""The demo seed: a bookable week in the coming weeks, forty slots across six teams, idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.people import roles
from cms.people.models import StaffProfile, User
from practiceweek.demo.seed import demo_week_dates, past_week_dates
from practiceweek.models import Booking, PracticeWeek, Reflection, Slot
from practiceweek.selectors import (
    attendance_summary,
    host_slots_with_visitors,
    reflection_themes,
    signup_state,
    week_current,
)

pytestmark = pytest.mark.django_db


def test_the_demo_week_starts_on_a_monday_two_to_three_weeks_ahead():
    assert demo_week_dates(dt.date(2026, 11, 23)) == (dt.date(2026, 12, 7), dt.date(2026, 12, 11))
    assert demo_week_dates(dt.date(2026, 11, 25)) == (dt.date(2026, 12, 14), dt.date(2026, 12, 18))


def test_the_past_week_is_five_to_six_weeks_back_monday_to_friday():
    assert past_week_dates(dt.date(2026, 12, 1)) == (dt.date(2026, 10, 26), dt.date(2026, 10, 30))
    assert past_week_dates(dt.date(2026, 12, 6)) == (dt.date(2026, 10, 26), dt.date(2026, 10, 30))


def test_seed_demo_creates_a_bookable_week_once(settings):
    with open("/dev/null", "w") as devnull:
        call_command("seed_demo", stdout=devnull)
        counts = (Slot.objects.count(), Booking.objects.count())
        call_command("seed_demo", stdout=devnull)
    week = PracticeWeek.objects.get(slug="practice-week-demo")
    assert (Slot.objects.count(), Booking.objects.count()) == counts
    slots = Slot.objects.filter(week=week)
    assert slots.count() == 40
    assert slots.values("host_team").distinct().count() == 6
    assert not Slot.objects.filter(hosts=None).exists()
    managers = StaffProfile.objects.filter(role__slug=roles.SENIOR_MANAGER)
    assert managers.count() == 20
    assert set(managers.values_list("agency__kind", flat=True)) == {"council", "police", "nhs"}
    assert week.starts_on > timezone.localdate()
    assert signup_state(week=week) == "open"
    assert Booking.objects.filter(status="waitlisted").exists()


def test_seed_demo_adds_a_week_that_has_happened_with_attendance_and_reflections():
    """Hosts' attendance, the L&D attendance report and the learning record have something to show."""
    with open("/dev/null", "w") as devnull:
        call_command("seed_demo", stdout=devnull)
        call_command("seed_demo", stdout=devnull)
    past = PracticeWeek.objects.get(slug="practice-week-demo-past")
    assert past.ends_on < timezone.localdate()
    visits = Booking.objects.filter(slot__week=past, status="confirmed")
    assert visits.count() == 12
    assert {row["agency"] for row in attendance_summary(week=past)} >= {"Oxfordshire County Council"}
    assert visits.filter(attendance="attended").count() == 10
    assert visits.filter(attendance="absent").count() == 1
    assert visits.filter(attendance="").count() == 1
    assert reflection_themes(week=past)["shown"] is True
    senior = User.objects.get(email="senior@oxfordshire.gov.uk")
    assert Reflection.objects.filter(booking__user=senior, booking__slot__week=past).exists()
    host = User.objects.get(email="host@oxfordshire.gov.uk")
    assert any(slot.week_id == past.pk and slot.visitors for slot in host_slots_with_visitors(user=host))
    assert week_current() == PracticeWeek.objects.get(slug="practice-week-demo")
