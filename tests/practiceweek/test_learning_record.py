"""Attendance and reflections appear in the person's learning record (through a Wagtail hook)."""

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string
from wagtail import hooks

from practiceweek.selectors import reflection_themes
from practiceweek.services import BookingRefused, attendance_record, reflection_save
from practiceweek.wagtail_hooks import practice_week_record_sections
from tests.practiceweek.factories import PracticeWeekFactory, booking_direct, host_of, senior_manager, slot_at

pytestmark = pytest.mark.django_db


def test_the_hook_is_registered_for_the_learning_record():
    assert practice_week_record_sections in [fn() for fn in hooks.get_hooks("learning_record_sections")]


def test_nothing_is_added_for_someone_without_visits():
    assert practice_week_record_sections(senior_manager()) == []


def test_a_visit_shows_attendance_and_links_to_the_private_reflection():
    """After the visit the host marks attendance; the manager reflects; the record shows both."""
    slot = slot_at(PracticeWeekFactory())
    host = host_of(slot)
    manager = senior_manager()
    booking = booking_direct(slot=slot, user=manager)
    with time_machine.travel(slot.ends_at + dt.timedelta(hours=1), tick=False):
        attendance_record(slot_id=slot.pk, actor=host, marks={booking.pk: "attended"})
        reflection_save(
            booking_id=booking.pk, user=manager, text="Private words", themes=["mi"], share_themes=True
        )
        (section,) = practice_week_record_sections(manager)
    (visit,) = section["context"]["visits"]
    assert section["title"] == "Practice week"
    assert visit["attendance"] == "Attended" and visit["has_reflection"]
    html = render_to_string(section["template"], section["context"])
    assert "Read your reflection" in html and f"/practice-week/bookings/{booking.pk}/reflection/" in html
    assert "Private words" not in html


def test_reflections_need_the_visit_to_have_happened_and_attendance():
    slot = slot_at(PracticeWeekFactory())
    manager = senior_manager()
    booking = booking_direct(slot=slot, user=manager)
    with pytest.raises(BookingRefused) as caught:
        reflection_save(booking_id=booking.pk, user=manager, text="Too early", themes=[], share_themes=False)
    assert caught.value.code == "too_early"
    with time_machine.travel(slot.ends_at, tick=False):
        attendance_record(slot_id=slot.pk, actor=host_of(slot), marks={booking.pk: "absent"})
        with pytest.raises(BookingRefused) as caught:
            reflection_save(booking_id=booking.pk, user=manager, text="x", themes=[], share_themes=False)
    assert caught.value.code == "absent"


def test_l_and_d_see_only_anonymised_themes_and_only_from_three_people():
    slot = slot_at(PracticeWeekFactory(), capacity=5)
    bookings = [booking_direct(slot=slot, user=senior_manager()) for _ in range(4)]
    with time_machine.travel(slot.ends_at, tick=False):
        for index, booking in enumerate(bookings):
            reflection_save(
                booking_id=booking.pk,
                user=booking.user,
                text=f"secret {index}",
                themes=["mi", "risk"] if index else ["mi"],
                share_themes=index != 3,
            )
            if index == 1:
                assert reflection_themes(week=slot.week) == {"shared": 2, "shown": False, "themes": []}
    summary = reflection_themes(week=slot.week)
    assert summary["shown"] and summary["shared"] == 3
    assert {t["label"]: t["count"] for t in summary["themes"]} == {
        "Motivational interviewing in practice": 3,
        "Risk, safety and good authority": 2,
    }
    assert "secret" not in str(summary)
