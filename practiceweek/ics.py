"""Calendar invites (.ics, iTIP) for bookings.

One booking is one calendar event. Its UID is derived from the booking's UUID and
never changes; each change that reaches the person's calendar (an update of times,
a cancellation) carries a higher SEQUENCE, so calendar clients replace the event
rather than adding a second one. Times are written in Europe/London with a
VTIMEZONE, as Outlook and Google expect.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from cms.core.email import Attachment, absolute_url
from practiceweek import conf
from practiceweek.models import Booking

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Family Safeguarding Learning//Practice week//EN"


@functools.cache
def _london_vtimezone() -> icalendar.Timezone:
    """Europe/London's rules as a VTIMEZONE, built once per process (it costs milliseconds)."""
    return icalendar.Timezone.from_tzid(
        "Europe/London", first_date=dt.date(2000, 1, 1), last_date=dt.date(2045, 1, 1)
    )


def booking_uid(*, booking: Booking) -> str:
    return f"booking-{booking.ics_uid}@{conf.ics_domain()}"


def booking_ics(
    *, booking: Booking, method: str, sequence: int | None = None, now: dt.datetime | None = None
) -> str:
    """The booking as an iTIP message: method REQUEST (new or updated) or CANCEL.

    `sequence` is the SEQUENCE the change had when it was made (messages are built later,
    by a worker, when the booking may have moved on); the booking's own by default.
    """
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"unsupported iTIP method {method}")
    slot = booking.slot
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_london_vtimezone())
    event = icalendar.Event()
    event.add("uid", booking_uid(booking=booking))
    event.add("sequence", booking.ics_sequence if sequence is None else sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", slot.starts_at.astimezone(LONDON))
    event.add("dtend", slot.ends_at.astimezone(LONDON))
    event.add("summary", f"Practice week: {slot.get_activity_display()} with {slot.host_team.name}")
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if method == "REQUEST":
        event.add("location", slot.meeting_point)
        description = [slot.description, slot.access_notes, absolute_url(f"/practice-week/slots/{slot.pk}/")]
        event.add("description", "\n\n".join(part for part in description if part))
    organiser = icalendar.vCalAddress(f"mailto:{conf.organiser_email()}")
    organiser.params["cn"] = icalendar.vText("Learning and Development")
    event.add("organizer", organiser)
    attendee = icalendar.vCalAddress(f"mailto:{booking.user.email}")
    attendee.params["cn"] = icalendar.vText(booking.user.get_full_name() or booking.user.email)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("ACCEPTED" if method == "REQUEST" else "DECLINED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def booking_ics_attachment(*, booking: Booking, method: str, sequence: int | None = None) -> Attachment:
    content = booking_ics(booking=booking, method=method, sequence=sequence)
    name = "practice-week-cancelled.ics" if method == "CANCEL" else "practice-week.ics"
    return Attachment(name, content, "text/calendar")
