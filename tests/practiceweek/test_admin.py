"""L&D in the Wagtail admin: grid, roster and overrides, approvals, CSV upload, reports, exports."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.utils import timezone

from practiceweek.models import Booking, BookingEvent, Slot
from practiceweek.services import booking_create
from tests.cms.people.factories import TeamFactory
from tests.practiceweek.factories import (
    PracticeWeekFactory,
    booking_direct,
    host_of,
    ld_user,
    senior_manager,
    slot_at,
)

pytestmark = pytest.mark.django_db

MANAGE = "/admin/practice-week/manage"


@pytest.fixture
def ld_client(client, home_page):
    client.force_login(ld_user())
    return client


def test_the_grid_shows_fill_levels_in_words_by_team_and_day(ld_client, django_assert_max_num_queries):
    week = PracticeWeekFactory()
    team = TeamFactory(name="Family Safeguarding Team Banbury")
    full = slot_at(week, host_team=team, capacity=1)
    booking_direct(slot=full, user=senior_manager())
    booking_direct(slot=full, user=senior_manager(), status="waitlisted")
    for day in range(1, 5):
        slot_at(week, day=day, capacity=4)
    with django_assert_max_num_queries(25):
        response = ld_client.get(f"{MANAGE}/weeks/{week.pk}/grid/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Family Safeguarding Team Banbury" in html
    assert "1 of 1</strong> · Full" in html and "1 waiting" in html
    assert "0 of 4</strong> · Empty" in html
    assert '<th scope="col">' in html


def test_the_admin_menu_and_current_grid_redirect(ld_client):
    week = PracticeWeekFactory()
    response = ld_client.get(f"{MANAGE}/")
    assert response["Location"] == f"{MANAGE}/weeks/{week.pk}/grid/"
    assert "Practice week" in ld_client.get("/admin/").content.decode()


def test_roster_allocate_cancel_and_move_are_recorded(ld_client):
    slot = slot_at(PracticeWeekFactory(), capacity=1)
    holder = booking_direct(slot=slot, user=senior_manager())
    waiting = [booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True) for _ in range(2)]
    url = f"{MANAGE}/slots/{slot.pk}/roster/"
    assert ld_client.get(url).status_code == 200
    response = ld_client.post(
        url, {"booking": waiting[1].pk, "action": "front", "note": "Needed for induction"}
    )
    assert response.status_code == 302
    response = ld_client.post(url, {"booking": holder.pk, "action": "cancel", "note": "Off sick"})
    assert response.status_code == 302
    waiting[1].refresh_from_db()
    assert waiting[1].status == "offered"
    page = ld_client.get(url).content.decode()
    assert "Off sick" in page and "Needed for induction" in page
    assert BookingEvent.objects.filter(by_ld=True).count() == 2


def test_roster_refusals_are_explained(ld_client):
    slot = slot_at(PracticeWeekFactory(), capacity=1)
    booking_direct(slot=slot, user=senior_manager())
    other = booking_direct(slot=slot_at(slot.week, day=1), user=senior_manager())
    url = f"{MANAGE}/slots/{slot.pk}/roster/"
    response = ld_client.post(url, {"booking": other.pk, "action": "cancel", "note": "x"})
    assert response.status_code == 409 and "not on this slot" in response.content.decode()
    response = ld_client.post(url, {"booking": "abc", "action": "cancel", "note": ""})
    assert response.status_code == 409
    person = senior_manager()
    response = ld_client.post(url, {"allocate-email": person.email, "allocate-note": "VIP"})
    assert response.status_code == 409 and "no places left" in response.content.decode()
    response = ld_client.post(url, {"allocate-email": "nobody@example.org", "allocate-note": "VIP"})
    assert "Nobody has that email address" in response.content.decode()
    assert ld_client.get(f"{MANAGE}/slots/999999/roster/").status_code == 404


def test_proposed_slots_are_approved_and_open_for_booking(ld_client, sent):
    week = PracticeWeekFactory()
    proposed = slot_at(week, status=Slot.Status.PROPOSED)
    proposer = host_of(proposed)
    Slot.objects.filter(pk=proposed.pk).update(proposed_by=proposer)
    assert "Approve" in ld_client.get(f"{MANAGE}/proposals/").content.decode()
    with sent() as outbox:
        ld_client.post(f"{MANAGE}/proposals/", {"slot": proposed.pk, "decision": "approve"})
    proposed.refresh_from_db()
    assert proposed.status == Slot.Status.APPROVED
    assert any(m.to == [proposer.email] and "approved" in m.subject for m in outbox)
    response = ld_client.post(f"{MANAGE}/proposals/", {"slot": "abc", "decision": "approve"}, follow=True)
    assert "not awaiting approval" in response.content.decode()


GOOD_CSV = (
    "team,activity,date,start,end,capacity,meeting_point,hosts,description\n"
    "{team},Home visit,{day},09:30,11:00,1,Reception,{host},Visit with the social worker\n"
    "{team},group_supervision,{day},13:00,15:00,3,Room 2,,Whole team\n"
)


def test_a_good_csv_creates_every_slot(ld_client):
    week = PracticeWeekFactory()
    team = TeamFactory(slug="fst-oxford")
    host = senior_manager()
    data = GOOD_CSV.format(team="fst-oxford", day=week.starts_on.isoformat(), host=host.email).encode()
    response = ld_client.post(f"{MANAGE}/upload/", {"week": week.pk, "file": _file(data)})
    assert response.status_code == 302
    slots = Slot.objects.filter(week=week).order_by("starts_at")
    assert [slot.activity for slot in slots] == ["home_visit", "group_supervision"]
    assert list(slots[0].hosts.all()) == [host] and slots[0].host_team == team
    assert slots[0].starts_at.hour == 9 and slots[0].locality == team.locality


def _file(data: bytes, name: str = "slots.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            "team,activity,date,start,end,capacity,meeting_point\n"
            "fst-x,Home visit,{day},09:30,11:00,1,Reception\n"
            "nope,Juggling,2001-01-01,25:00,09:00,zero,\n"
            "fst-x,Court,{day},10:00,09:00,2,Court\n",
            [
                "Line 3: team “nope” not found; activity “Juggling” is not one of",
                "date 2001-01-01 is outside",
                "start “25:00” is not a time",
                "capacity “zero” must be a whole number from 1 to 50; meeting_point is empty.",
                "Line 4: end must be after start.",
            ],
        ),
        (
            "team,activity\nfst-x,Court\n",
            ["Line 1: missing column(s): date, start, end, capacity, meeting_point"],
        ),
        (
            "team,activity,date,start,end,capacity,meeting_point,hosts\n"
            "fst-x,Court,{day},10:00,11:00,2,Court,ghost@example.org;not-an-email\n",
            ["Line 2: host “not-an-email” is not an email address."],
        ),
        (
            "team,activity,date,start,end,capacity,meeting_point,hosts\n"
            "fst-x,Court,{day},10:00,11:00,2,Court,ghost@example.org\n",
            ["Line 2: host(s) not found: ghost@example.org."],
        ),
        ("team,activity,date,start,end,capacity,meeting_point\n", ["The file has no slots in it."]),
    ],
)
def test_a_bad_csv_reports_every_bad_line_and_creates_nothing(ld_client, data, messages):
    week = PracticeWeekFactory()
    TeamFactory(slug="fst-x")
    body = data.format(day=week.starts_on.isoformat()).encode()
    response = ld_client.post(f"{MANAGE}/upload/", {"week": week.pk, "file": _file(body)})
    html = response.content.decode()
    assert response.status_code == 400
    for message in messages:
        assert message.replace("“", "&ldquo;").replace("”", "&rdquo;") in html or message in html, message
    assert not Slot.objects.filter(week=week).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("team,activity\nÉquipe,Visite\n".encode("latin-1"), "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a CSV text file"),
        (b"team,activity,date,start,end,capacity,meeting_point\n" + b"x" * 600_000, "too large"),
    ],
)
def test_hostile_uploads_get_a_plain_message(ld_client, data, message):
    week = PracticeWeekFactory()
    response = ld_client.post(f"{MANAGE}/upload/", {"week": week.pk, "file": _file(data)})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_non_l_and_d_cannot_upload_even_by_calling_the_service():
    from practiceweek.services import SlotImportError, slots_import_csv

    with pytest.raises(SlotImportError):
        slots_import_csv(week=PracticeWeekFactory(), data=b"team\n", actor=senior_manager())


def test_bookings_export_as_csv_with_formulas_neutralised(ld_client):
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    booking_direct(slot=slot, user=senior_manager(first_name="=HYPERLINK(1)", last_name="Evil"))
    response = ld_client.get(f"/admin/practice-week/bookings/?slot__week={slot.week_id}&export=csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("Name,Email,Agency,Week")
    assert "'=HYPERLINK(1) Evil" in body


def test_the_bookings_list_filters_by_status(ld_client):
    slot = slot_at(PracticeWeekFactory(), capacity=1)
    confirmed = booking_direct(slot=slot, user=senior_manager(last_name="Confirmedperson"))
    booking_direct(slot=slot, user=senior_manager(last_name="Waitingperson"), status="waitlisted")
    html = ld_client.get("/admin/practice-week/bookings/?status=waitlisted").content.decode()
    assert "Waitingperson" in html and "Confirmedperson" not in html
    assert ld_client.get(f"/admin/practice-week/bookings/edit/{confirmed.pk}/").status_code in {302, 403}


def test_the_attendance_report_summarises_by_agency_and_exports(ld_client):
    # A week three days ahead: travelling past a later one would outlive the session (two weeks).
    slot = slot_at(PracticeWeekFactory(starts_on=timezone.localdate() + dt.timedelta(days=3)), capacity=3)
    attended = booking_direct(slot=slot, user=senior_manager(last_name="Present"))
    booking_direct(slot=slot, user=senior_manager(last_name="Unmarked"))
    Booking.objects.filter(pk=attended.pk).update(attendance="attended")
    with time_machine.travel(slot.ends_at + dt.timedelta(hours=1), tick=False):
        html = ld_client.get(f"{MANAGE}/attendance/?week={slot.week_id}").content.decode()
        export = ld_client.get(f"{MANAGE}/attendance/?week={slot.week_id}&export=csv")
    assert "Present" in html and "Unmarked" in html and "By agency" in html
    body = b"".join(export.streaming_content).decode()
    assert "Attended" in body and "Not recorded" in body


def test_editing_a_slot_in_the_admin_sends_updates(ld_client, sent):
    slot = slot_at(PracticeWeekFactory(), capacity=1)
    manager = senior_manager()
    booking_create(user=manager, slot_id=slot.pk, agreed=True)
    edit_url = f"/admin/practice-week/slots/edit/{slot.pk}/"
    assert ld_client.get(edit_url).status_code == 200
    new_start = slot.starts_at + dt.timedelta(hours=2)
    data = {
        "week": slot.week_id,
        "status": "approved",
        "host_team": slot.host_team_id,
        "activity": "home_visit",
        "description": "",
        "locality": slot.locality,
        "starts_at": new_start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (new_start + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "capacity": 1,
        "meeting_point": "Moved to the library",
        "access_notes": "",
    }
    with sent() as outbox:
        response = ld_client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get(slot=slot)
    assert booking.ics_sequence == 1
    assert any(m.to == [manager.email] and m.subject.startswith("Changed:") for m in outbox)


def test_l_and_d_set_up_a_week_with_quotas_in_the_admin(ld_client):
    """The add forms for weeks (with the agency quota inline) and slots open for L&D."""
    assert ld_client.get("/admin/practice-week/weeks/new/").status_code == 200
    assert ld_client.get("/admin/practice-week/slots/new/").status_code == 200
    week = PracticeWeekFactory()
    assert ld_client.get(f"/admin/practice-week/weeks/edit/{week.pk}/").status_code == 200


def _slot_form(slot, **changes):
    """The slot's edit form as the admin shows it (times in local time), with `changes`."""
    data = {
        "starts_at": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": timezone.localtime(slot.ends_at).strftime("%Y-%m-%d %H:%M"),
        "week": slot.week_id,
        "status": "approved",
        "host_team": slot.host_team_id,
        "activity": slot.activity,
        "description": slot.description,
        "locality": slot.locality,
        "capacity": slot.capacity,
        "meeting_point": slot.meeting_point,
        "access_notes": slot.access_notes,
    }
    data.update(changes)
    return data


def test_moving_the_meeting_point_sends_an_updated_invite_with_the_same_uid(ld_client, sent):
    """L&D move a visit to another office: the confirmed person's calendar event is replaced, not doubled."""
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    manager = senior_manager()
    booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
    with sent() as outbox:
        response = ld_client.post(
            f"/admin/practice-week/slots/edit/{slot.pk}/",
            _slot_form(slot, meeting_point="Room 2, Banbury library"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    (changed,) = [m for m in outbox if m.to == [manager.email] and m.subject.startswith("Changed:")]
    (_name, content, _mimetype) = changed.attachments[0]
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    booking.refresh_from_db()
    assert str(event["UID"]) == f"booking-{booking.ics_uid}@practice-week.learning.invalid"
    assert event["SEQUENCE"] == 1 == booking.ics_sequence
    assert str(event["LOCATION"]) == "Room 2, Banbury library"
    assert BookingEvent.objects.filter(
        booking=booking, action="slot meeting point changed", by_ld=True
    ).exists()


def test_an_edit_that_moves_neither_time_nor_place_sends_no_update(ld_client, sent):
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    manager = senior_manager()
    booking_create(user=manager, slot_id=slot.pk, agreed=True)
    with sent() as outbox:
        response = ld_client.post(
            f"/admin/practice-week/slots/edit/{slot.pk}/",
            _slot_form(slot, description="Now with a note about parking."),
        )
    assert response.status_code == 302
    assert not [m for m in outbox if m.to == [manager.email]]
    assert Booking.objects.get(slot=slot).ics_sequence == 0


def test_approve_and_decline_say_which_slot_to_screen_readers_only(ld_client):
    """The buttons showed the slot's whole title on screen; the context is now visually hidden text."""
    proposed = slot_at(PracticeWeekFactory(), status=Slot.Status.PROPOSED)
    html = ld_client.get(f"{MANAGE}/proposals/").content.decode()
    assert f'Approve<span class="w-sr-only"> {proposed}</span>' in html
    assert f'Decline<span class="w-sr-only"> {proposed}</span>' in html
    assert "visuallyhidden" not in html
