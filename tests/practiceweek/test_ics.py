"""Invites parsed back with icalendar: REQUEST, CANCEL, stable UID, rising SEQUENCE, Europe/London."""

import datetime as dt

import icalendar
import pytest

from practiceweek.ics import booking_ics
from practiceweek.models import Slot
from practiceweek.services import booking_cancel, booking_create, slot_changed
from tests.practiceweek.factories import PracticeWeekFactory, ld_user, senior_manager, slot_at

pytestmark = pytest.mark.django_db


def parse(content: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def ics_attachments(outbox, email):
    return [
        content
        for message in outbox
        if message.to == [email]
        for name, content, mimetype in message.attachments
        if name.endswith(".ics")
    ]


def test_the_invite_is_a_request_in_london_time():
    slot = slot_at(PracticeWeekFactory(), hour=9)
    booking = booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    calendar, event = parse(booking_ics(booking=booking, method="REQUEST"))
    assert calendar["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 0
    assert event["UID"] == f"booking-{booking.ics_uid}@practice-week.learning.invalid"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART").hour == 9
    assert event.decoded("DTSTART") == slot.starts_at
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["LOCATION"]) == slot.meeting_point
    assert str(event["ATTENDEE"]) == f"mailto:{booking.user.email}"


def test_confirmation_update_and_cancellation_share_a_uid_with_rising_sequence(sent):
    """Booked (REQUEST 0), times moved by L&D (REQUEST 1), cancelled (CANCEL 2): one event in the calendar."""
    slot = slot_at(PracticeWeekFactory(), hour=10)
    manager = senior_manager()
    with sent() as outbox:
        booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
        old = Slot.objects.filter(pk=slot.pk).values("starts_at", "ends_at").get()
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at + dt.timedelta(hours=1), ends_at=slot.ends_at + dt.timedelta(hours=1)
        )
        slot_changed(
            slot_id=slot.pk,
            actor=ld_user(),
            old_starts_at=old["starts_at"],
            old_ends_at=old["ends_at"],
            old_status="approved",
        )
        booking_cancel(booking_id=booking.pk, user=manager)
    invites = [parse(content) for content in ics_attachments(outbox, manager.email)]
    assert [str(calendar["METHOD"]) for calendar, _ in invites] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [event["SEQUENCE"] for _, event in invites] == [0, 1, 2]
    assert len({str(event["UID"]) for _, event in invites}) == 1
    assert invites[1][1].decoded("DTSTART").hour == 11
    assert str(invites[2][1]["STATUS"]) == "CANCELLED"


def test_a_waitlisted_booking_gets_no_invite_until_it_is_confirmed(sent):
    slot = slot_at(PracticeWeekFactory())
    holder, waiting = senior_manager(), senior_manager()
    booking_create(user=holder, slot_id=slot.pk, agreed=True)
    with sent() as outbox:
        booking_create(user=waiting, slot_id=slot.pk, agreed=True)
    assert ics_attachments(outbox, waiting.email) == []
    assert any("waitlist" in message.subject.lower() for message in outbox)
