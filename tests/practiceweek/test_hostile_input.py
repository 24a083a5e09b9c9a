"""Hostile input to practice week's forms: a visit reflection and a host's slot proposal.

Posted as a hostile client would (any bytes, lone surrogates encoded), each property
checks the answer is a page or a redirect, never a 500, and that the row afterwards
holds what the form received, or is as it was.
"""

import datetime as dt

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from practiceweek.models import Reflection, Slot
from tests.hostile import FORM, as_received, form_body, hostile_settings, hostile_text
from tests.practiceweek.factories import PracticeWeekFactory, booking_direct, host_of, senior_manager, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(home_page):
    """A senior manager's confirmed, finished shadowing visit, with its host."""
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    manager = senior_manager()
    return {
        "slot": slot,
        "manager": manager,
        "booking": booking_direct(slot=slot, user=manager),
        "host": host_of(slot),
    }


@hostile_settings
@given(text=hostile_text, themes=st.lists(st.one_of(hostile_text, st.just("risk")), max_size=3))
def test_a_visit_reflection_in_any_text_is_saved_as_received_or_refused_and_kept(client, visit, text, themes):
    """A manager's reflection after a visit is stored as the form received it, or refused with a message."""
    booking = visit["booking"]
    before = Reflection.objects.filter(booking=booking).values_list("text", "themes").first()
    with time_machine.travel(visit["slot"].ends_at + dt.timedelta(hours=1), tick=False):
        client.force_login(visit["manager"])
        response = client.post(
            f"/practice-week/bookings/{booking.pk}/reflection/",
            data=form_body({"text": text, "themes": themes}),
            content_type=FORM,
        )
    assert response.status_code in {302, 400}
    after = Reflection.objects.filter(booking=booking).values_list("text", "themes").first()
    if response.status_code == 302:
        assert after[0] == as_received(text).strip()
        assert after[1] == list(dict.fromkeys(themes))
    else:
        assert after == before
        assert "govuk-error-summary" in response.content.decode()


TEXT_FIELDS = ["description", "locality", "meeting_point", "access_notes"]


@hostile_settings
@given(field=st.sampled_from(TEXT_FIELDS), text=hostile_text, capacity=st.one_of(st.just("2"), hostile_text))
def test_a_slot_proposal_in_any_text_is_stored_as_received_or_refused(client, visit, field, text, capacity):
    """A host proposing a slot with odd text or a huge number of places: a stored proposal or the form."""
    client.force_login(visit["host"])
    week = visit["slot"].week
    data = {
        "activity": "team_meeting",
        "description": "Our Tuesday team meeting.",
        "date": (week.starts_on + dt.timedelta(days=1)).isoformat(),
        "start": "09:00",
        "end": "10:00",
        "capacity": capacity,
        "locality": "",
        "meeting_point": "Main office",
        "access_notes": "",
        field: text,
    }
    before = set(Slot.objects.filter(status=Slot.Status.PROPOSED).values_list("pk", flat=True))
    response = client.post("/practice-week/hosting/propose/", data=form_body(data), content_type=FORM)
    assert response.status_code in {302, 400}
    new = Slot.objects.filter(status=Slot.Status.PROPOSED).exclude(pk__in=before)
    if response.status_code == 302:
        proposed = new.get()
        stored = getattr(proposed, field)
        received = as_received(text).strip()
        if field == "locality" and not received:
            received = visit["slot"].host_team.locality
        assert stored == received
    else:
        assert not new.exists()
