"""The practice-week pages: who may open each one, and hostile or mistaken input (never a 500)."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.utils.html import escape

from practiceweek.models import Booking, Slot
from practiceweek.notifications import offer_token
from practiceweek.services import booking_cancel, booking_create
from tests.practiceweek.factories import (
    PracticeWeekFactory,
    booking_direct,
    host_of,
    ld_user,
    learner,
    senior_manager,
    slot_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(home_page):
    """A week with a two-place slot, its host, and one person of each kind."""
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    host = host_of(slot)
    return {
        "slot": slot,
        "anonymous": None,
        "learner": learner(),
        "senior manager": senior_manager(),
        "host": host,
        "L&D": ld_user(),
    }


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


BOOKER_PAGES = ["/practice-week/", "/practice-week/slots/{slot}/", "/practice-week/my-bookings/"]
MATRIX = {
    # who: expected status for the booker pages
    "anonymous": 302,
    "learner": 403,
    "senior manager": 200,
    "host": 403,
    "L&D": 200,
}


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("page", BOOKER_PAGES)
def test_booking_pages_are_for_senior_managers_and_l_and_d(client, scene, who, page):
    response = _get(client, scene[who], page.format(slot=scene["slot"].pk))
    assert response.status_code == MATRIX[who]
    if MATRIX[who] == 302:
        assert response["Location"].startswith("/accounts/login/")
    if MATRIX[who] == 403:
        assert "senior managers of the council and its partner agencies" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), list(MATRIX.items()))
def test_booking_by_post_follows_the_same_matrix(client, scene, who, status):
    if scene[who] is not None:
        client.force_login(scene[who])
    response = client.post(f"/practice-week/slots/{scene['slot'].pk}/book/", {"agree": "on"})
    assert response.status_code == (302 if status == 200 else status)
    booked = Booking.objects.filter(slot=scene["slot"]).exists()
    assert booked is (status == 200)


@pytest.mark.parametrize(
    ("who", "hosting", "hosting_slot"),
    [
        ("anonymous", 302, 302),
        ("learner", 200, 404),
        ("senior manager", 200, 404),
        ("host", 200, 200),
        ("L&D", 200, 404),
    ],
)
def test_host_pages_show_only_the_hosts_own_slots(client, scene, who, hosting, hosting_slot):
    """Every team member may offer slots for their team; only the slot's hosts see who is coming."""
    assert _get(client, scene[who], "/practice-week/hosting/").status_code == hosting
    assert (
        _get(client, scene[who], f"/practice-week/hosting/slots/{scene['slot'].pk}/").status_code
        == hosting_slot
    )


@pytest.mark.parametrize(
    ("who", "status"), [("learner", 302), ("senior manager", 302), ("host", 302), ("L&D", 200)]
)
def test_l_and_d_admin_screens_are_for_l_and_d_only(client, scene, who, status):
    client.force_login(scene[who])
    slot = scene["slot"]
    for url in (
        f"/admin/practice-week/manage/weeks/{slot.week_id}/grid/",
        f"/admin/practice-week/manage/slots/{slot.pk}/roster/",
        "/admin/practice-week/manage/proposals/",
        "/admin/practice-week/manage/upload/",
        "/admin/practice-week/manage/attendance/",
        "/admin/practice-week/bookings/",
        "/admin/practice-week/slots/",
        "/admin/practice-week/weeks/",
    ):
        response = client.get(url)
        assert response.status_code in ({status} if status == 200 else {302, 403}), url


def test_the_week_view_and_list_show_slots_and_the_filters_narrow_them(client, scene):
    week = scene["slot"].week
    slot_at(week, day=2, locality="Banbury", activity="court")
    client.force_login(scene["senior manager"])
    week_view = client.get("/practice-week/").content.decode()
    assert "Home visit" in week_view and "Court" in week_view
    listed = client.get("/practice-week/?view=list&activity=court").content.decode()
    assert "<table" in listed and "Court" in listed and "Home visit<span" not in listed
    full = client.get("/practice-week/?availability=full").content.decode()
    assert "0 slots" in full


def test_junk_filters_are_ignored_not_an_error(client, scene):
    client.force_login(scene["senior manager"])
    response = client.get("/practice-week/?day=notadate&locality=%3Cscript%3E&view=evil&availability=9")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_the_meeting_point_shows_only_after_confirmation(client, scene):
    client.force_login(scene["senior manager"])
    url = f"/practice-week/slots/{scene['slot'].pk}/"
    assert scene["slot"].meeting_point not in client.get(url).content.decode()
    client.post(f"/practice-week/slots/{scene['slot'].pk}/book/", {"agree": "on"})
    assert scene["slot"].meeting_point in client.get(url).content.decode()


def test_booking_without_the_agreement_explains_why(client, scene):
    client.force_login(scene["senior manager"])
    response = client.post(f"/practice-week/slots/{scene['slot'].pk}/book/", {})
    assert response.status_code == 400
    assert "Accept the confidentiality agreement" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_refusal_is_shown_with_its_reason(client, scene):
    manager = scene["senior manager"]
    clashing = slot_at(scene["slot"].week, hour=10, capacity=2)
    booking_create(user=manager, slot_id=clashing.pk, agreed=True)
    client.force_login(manager)
    response = client.post(f"/practice-week/slots/{scene['slot'].pk}/book/", {"agree": "on"})
    assert response.status_code == 409
    assert "clashes with your place" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("slot_id", ["999999", "0"])
def test_forged_slot_ids_are_not_found(client, scene, slot_id):
    client.force_login(scene["senior manager"])
    assert client.get(f"/practice-week/slots/{slot_id}/").status_code == 404
    response = client.post(f"/practice-week/slots/{slot_id}/book/", {"agree": "on"})
    assert response.status_code == 404
    assert "does not exist" in response.content.decode()


def test_proposed_slots_cannot_be_opened_or_booked_by_id(client, scene):
    proposed = slot_at(scene["slot"].week, status=Slot.Status.PROPOSED)
    client.force_login(scene["senior manager"])
    assert client.post(f"/practice-week/slots/{proposed.pk}/book/", {"agree": "on"}).status_code == 404


def test_other_peoples_booking_ids_are_not_found(client, scene):
    """A manager cannot cancel, reflect on or download someone else's booking by changing the id."""
    theirs = booking_create(user=senior_manager(), slot_id=scene["slot"].pk, agreed=True)
    client.force_login(scene["senior manager"])
    for url in (
        f"/practice-week/bookings/{theirs.pk}/cancel/",
        f"/practice-week/bookings/{theirs.pk}/reflection/",
        f"/practice-week/bookings/{theirs.pk}/invite.ics",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_cancelling_through_the_page_confirms_first(client, scene):
    manager = scene["senior manager"]
    booking = booking_create(user=manager, slot_id=scene["slot"].pk, agreed=True)
    client.force_login(manager)
    page = client.get(f"/practice-week/bookings/{booking.pk}/cancel/")
    assert "Yes, cancel" in page.content.decode()
    assert client.post(f"/practice-week/bookings/{booking.pk}/cancel/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_cancelling_after_the_cut_off_shows_the_reason(client, scene):
    manager = scene["senior manager"]
    booking = booking_create(user=manager, slot_id=scene["slot"].pk, agreed=True)
    client.force_login(manager)
    with time_machine.travel(scene["slot"].starts_at - dt.timedelta(hours=2), tick=False):
        response = client.post(f"/practice-week/bookings/{booking.pk}/cancel/")
    assert response.status_code == 409
    assert "48 hours before the visit" in response.content.decode()


@pytest.fixture
def offered(scene):
    slot = scene["slot"]
    holders = [booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True) for _ in range(2)]
    waiting = booking_create(user=scene["senior manager"], slot_id=slot.pk, agreed=True)
    booking_cancel(booking_id=holders[0].pk, user=holders[0].user)
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    return waiting


def test_an_offer_is_accepted_through_the_signed_link(client, scene, offered):
    client.force_login(scene["senior manager"])
    url = f"/practice-week/offers/{offer_token(booking=offered)}/"
    assert "Do you want this place?" in client.get(url).content.decode()
    assert client.post(url, {"decision": "accept"}).status_code == 302
    offered.refresh_from_db()
    assert offered.status == "confirmed"


FORGED_TOKENS = {
    "garbage": lambda: "not-a-token",
    "signed for another purpose": lambda: signing.dumps({"b": 1, "r": 1}, salt="another.purpose"),
    "wrong shape": lambda: signing.dumps({"b": "1", "r": "x"}, salt="practiceweek.offer"),
    "very long": lambda: "x" * 500,
}


@pytest.mark.parametrize("kind", list(FORGED_TOKENS))
def test_forged_offer_tokens_are_refused_plainly(client, scene, offered, kind):
    token = FORGED_TOKENS[kind]()
    client.force_login(scene["senior manager"])
    response = client.post(f"/practice-week/offers/{token}/", {"decision": "accept"})
    assert response.status_code == 404
    assert "not valid for your account" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_someone_elses_offer_link_does_not_work_for_me(client, scene, offered):
    client.force_login(senior_manager())
    response = client.post(f"/practice-week/offers/{offer_token(booking=offered)}/", {"decision": "decline"})
    assert response.status_code == 404


def test_an_expired_offer_link_says_so(client, scene, offered):
    client.force_login(scene["senior manager"])
    url = f"/practice-week/offers/{offer_token(booking=offered)}/"
    with time_machine.travel(offered.offer_expires_at + dt.timedelta(minutes=1), tick=False):
        response = client.post(url, {"decision": "accept"})
    assert response.status_code == 409
    assert "This offer expired" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == "expired"
    assert "This offer is closed" in client.get(url).content.decode()


def test_an_offer_answer_must_be_chosen(client, scene, offered):
    client.force_login(scene["senior manager"])
    response = client.post(f"/practice-week/offers/{offer_token(booking=offered)}/", {"decision": "maybe"})
    assert response.status_code == 400
    assert "Choose whether to accept or decline" in response.content.decode()


@pytest.mark.parametrize("body", [{}, {"content_type": "application/json", "data": "{}"}])
def test_an_offer_answer_posted_with_no_fields_asks_for_one(client, scene, offered, body):
    """A reply to an offer with no form fields (a script's empty POST) is asked to choose, not a 500."""
    client.force_login(scene["senior manager"])
    response = client.post(f"/practice-week/offers/{offer_token(booking=offered)}/", **body)
    assert response.status_code == 400
    assert "Choose whether to accept or decline" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_hosts_see_visitors_with_role_and_agency_and_mark_attendance(client, scene):
    slot = scene["slot"]
    manager = scene["senior manager"]
    booking = booking_direct(slot=slot, user=manager)
    client.force_login(scene["host"])
    page = client.get("/practice-week/hosting/").content.decode()
    # As the page escapes them: a made-up name may hold an apostrophe (O'Connor is O&#x27;Connor).
    assert escape(manager.get_full_name()) in page
    assert "Senior manager" in page and escape(manager.profile.agency.name) in page
    url = f"/practice-week/hosting/slots/{slot.pk}/"
    with time_machine.travel(slot.starts_at + dt.timedelta(minutes=30), tick=False):
        assert client.post(url, {f"booking_{booking.pk}": "attended"}).status_code == 302
        client.post(url, {f"booking_{booking.pk}": "nonsense", "booking_999": "attended"})
    booking.refresh_from_db()
    assert booking.attendance == "attended" and booking.attendance_marked_by == scene["host"]


def test_attendance_waits_for_the_slot_to_start(client, scene):
    booking_direct(slot=scene["slot"], user=scene["senior manager"])
    client.force_login(scene["host"])
    page = client.get(f"/practice-week/hosting/slots/{scene['slot'].pk}/").content.decode()
    assert "once the slot has started" in page and "Save attendance" not in page


def test_a_team_member_proposes_a_slot_for_l_and_d_to_approve(client, scene):
    week = scene["slot"].week
    client.force_login(scene["host"])
    response = client.post(
        "/practice-week/hosting/propose/",
        {
            "activity": "team_meeting",
            "description": "Our Tuesday team meeting.",
            "date": (week.starts_on + dt.timedelta(days=1)).isoformat(),
            "start": "09:00",
            "end": "10:00",
            "capacity": "2",
            "locality": "",
            "meeting_point": "Main office",
        },
    )
    assert response.status_code == 302
    proposed = Slot.objects.get(status=Slot.Status.PROPOSED)
    assert proposed.host_team == scene["slot"].host_team and scene["host"] in proposed.hosts.all()


def test_a_proposal_outside_the_week_or_ending_before_it_starts_is_refused(client, scene):
    client.force_login(scene["host"])
    data = {
        "activity": "team_meeting",
        "description": "x",
        "date": "2001-01-01",
        "start": "10:00",
        "end": "09:00",
        "capacity": "2",
        "meeting_point": "x",
    }
    response = client.post("/practice-week/hosting/propose/", data)
    assert response.status_code == 400
    assert "The end time must be after the start time" in response.content.decode()
    data["end"] = "11:00"
    response = client.post("/practice-week/hosting/propose/", data)
    assert response.status_code == 400
    assert "must fall within" in response.content.decode()
    assert not Slot.objects.filter(status=Slot.Status.PROPOSED).exists()


def test_the_reflection_page_saves_privately(client, scene):
    slot = scene["slot"]
    manager = scene["senior manager"]
    booking = booking_direct(slot=slot, user=manager)
    client.force_login(manager)
    with time_machine.travel(slot.ends_at + dt.timedelta(hours=1), tick=False):
        response = client.post(
            f"/practice-week/bookings/{booking.pk}/reflection/",
            {"text": "Group supervision was the heart of it.", "themes": ["group_supervision", "bogus"]},
        )
        assert response.status_code == 400
        response = client.post(
            f"/practice-week/bookings/{booking.pk}/reflection/",
            {"text": "Group supervision was the heart of it.", "themes": ["group_supervision"]},
        )
    assert response.status_code == 302
    booking.reflection.refresh_from_db()
    assert booking.reflection.share_themes is False


def test_the_calendar_invite_downloads_for_a_confirmed_booking(client, scene):
    booking = booking_create(user=scene["senior manager"], slot_id=scene["slot"].pk, agreed=True)
    client.force_login(scene["senior manager"])
    response = client.get(f"/practice-week/bookings/{booking.pk}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


def test_the_week_view_query_count_does_not_grow_with_slots(client, scene, django_assert_max_num_queries):
    week = scene["slot"].week
    for day in range(5):
        for hour in (9, 11, 14):
            slot_at(week, day=day, hour=hour)
    client.force_login(scene["senior manager"])
    with django_assert_max_num_queries(20):
        assert client.get("/practice-week/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/practice-week/?view=list").status_code == 200


def test_no_week_at_all_is_explained(client, home_page):
    client.force_login(senior_manager())
    response = client.get("/practice-week/")
    assert response.status_code == 200
    assert "no practice week planned" in response.content.decode()


def test_the_booking_post_stays_a_handful_of_queries(client, scene, django_assert_max_num_queries):
    """The hot path of practice week's opening minutes: session, person, one short transaction."""
    slot = scene["slot"]
    client.force_login(scene["senior manager"])
    with django_assert_max_num_queries(12):
        response = client.post(f"/practice-week/slots/{slot.pk}/book/", {"agree": "on"})
    assert response.status_code == 302
    other = senior_manager()
    client.force_login(other)
    booking_direct(slot=slot, user=senior_manager())  # now full: the next one is waitlisted
    with django_assert_max_num_queries(12):
        response = client.post(f"/practice-week/slots/{slot.pk}/book/", {"agree": "on"})
    assert response.status_code == 302
    assert Booking.objects.get(slot=slot, user=other).status == Booking.Status.WAITLISTED


@pytest.mark.parametrize("who", ["learner", "senior manager", "host"])
def test_l_and_d_actions_posted_by_anyone_else_change_nothing(client, scene, who):
    """Approving a proposal, allocating a place and drawing a ballot are refused outside L&D."""
    slot = scene["slot"]
    proposed = slot_at(slot.week, day=1, status=Slot.Status.PROPOSED)
    client.force_login(scene[who])
    posts = [
        ("/admin/practice-week/manage/proposals/", {"slot": proposed.pk, "decision": "approve"}),
        (
            f"/admin/practice-week/manage/slots/{slot.pk}/roster/",
            {"allocate-email": scene[who].email, "allocate-note": "Because"},
        ),
        (f"/admin/practice-week/manage/weeks/{slot.week_id}/ballot/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in {302, 403}, url
    proposed.refresh_from_db()
    assert proposed.status == Slot.Status.PROPOSED
    assert not Booking.objects.filter(slot=slot).exists()
    assert slot.week.__class__.objects.get(pk=slot.week_id).ballot_drawn_at is None


def test_the_proposal_date_hint_names_days_of_the_week_itself(client, scene):
    """The hint said "For example, 2026-12-08" whatever the week; it now names the week's own days."""
    week = scene["slot"].week
    client.force_login(scene["host"])
    html = client.get("/practice-week/hosting/propose/").content.decode()
    example = (week.starts_on + dt.timedelta(days=1)).isoformat()
    assert f"for example {example}" in html
    assert f'min="{week.starts_on.isoformat()}"' in html
    assert f'max="{week.ends_on.isoformat()}"' in html
    assert "2026-12-08" not in html or week.starts_on <= dt.date(2026, 12, 8) <= week.ends_on
