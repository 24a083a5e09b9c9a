"""Booking rules: confirmed or waitlisted, and each refusal with its reason."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from learning.models import ModuleCompletion
from practiceweek.models import AgencyQuota, Booking, BookingEvent, Slot
from practiceweek.services import BookingRefused, booking_cancel, booking_create
from tests.cms.people.factories import AgencyFactory, TeamFactory, staff_member
from tests.modules.factories import ModulePageFactory, module_index_ensure
from tests.practiceweek.factories import (
    PracticeWeekFactory,
    booking_direct,
    ld_user,
    learner,
    senior_manager,
    slot_at,
)

pytestmark = pytest.mark.django_db


def refusal_code(**kwargs) -> str:
    with pytest.raises(BookingRefused) as caught:
        booking_create(**kwargs)
    return caught.value.code


def test_a_senior_manager_gets_a_confirmed_place_when_one_is_free():
    """A police senior manager books the last free place of a home visit and holds it."""
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    manager = senior_manager()
    booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
    slot.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.agreed_at is not None
    assert slot.places_held == 1
    assert BookingEvent.objects.get(booking=booking).to_status == "confirmed"


def test_a_full_slot_puts_the_next_person_on_the_waitlist():
    """When the only place is taken, the next manager joins the waitlist and holds no place."""
    slot = slot_at(PracticeWeekFactory(), capacity=1)
    booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    second = booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    slot.refresh_from_db()
    assert second.status == Booking.Status.WAITLISTED
    assert slot.places_held == 1


def test_booking_needs_the_confidentiality_agreement():
    slot = slot_at(PracticeWeekFactory())
    assert refusal_code(user=senior_manager(), slot_id=slot.pk, agreed=False) == "agreement"
    assert not Booking.objects.exists()


def test_a_time_clash_with_another_place_is_refused_with_the_other_slot_named():
    """A manager with a 10:00 home visit cannot also take an 11:00 conference the same day."""
    week = PracticeWeekFactory()
    first = slot_at(week, hour=10, minutes=90)
    clashing = slot_at(week, hour=11, minutes=60)
    manager = senior_manager()
    booking_create(user=manager, slot_id=first.pk, agreed=True)
    with pytest.raises(BookingRefused) as caught:
        booking_create(user=manager, slot_id=clashing.pk, agreed=True)
    assert caught.value.code == "clash"
    assert "clashes with your place on Home visit" in caught.value.message


def test_back_to_back_slots_do_not_clash():
    week = PracticeWeekFactory(max_bookings_per_person=3)
    morning = slot_at(week, hour=10, minutes=60)
    next_one = slot_at(week, hour=11, minutes=60)
    manager = senior_manager()
    booking_create(user=manager, slot_id=morning.pk, agreed=True)
    assert booking_create(user=manager, slot_id=next_one.pk, agreed=True).status == "confirmed"


def test_the_per_person_limit_is_enforced():
    """With a limit of two places, a third booking in the week is refused."""
    week = PracticeWeekFactory(max_bookings_per_person=2)
    slots = [slot_at(week, day=day) for day in range(3)]
    manager = senior_manager()
    for slot in slots[:2]:
        booking_create(user=manager, slot_id=slot.pk, agreed=True)
    with pytest.raises(BookingRefused) as caught:
        booking_create(user=manager, slot_id=slots[2].pk, agreed=True)
    assert caught.value.code == "limit"
    assert "You already hold 2 places," in caught.value.message


def test_the_limit_of_one_place_is_said_in_the_singular():
    week = PracticeWeekFactory(max_bookings_per_person=1)
    slots = [slot_at(week, day=day) for day in range(2)]
    manager = senior_manager()
    booking_create(user=manager, slot_id=slots[0].pk, agreed=True)
    with pytest.raises(BookingRefused) as caught:
        booking_create(user=manager, slot_id=slots[1].pk, agreed=True)
    assert "You already hold 1 place," in caught.value.message
    assert "(s)" not in caught.value.message


def test_the_agency_quota_stops_one_agency_but_not_another():
    """Police have a quota of one place in the week: the second officer is refused, the NHS manager is not."""
    week = PracticeWeekFactory()
    police = AgencyFactory(name="Thames Valley Police", slug="tvp")
    nhs = AgencyFactory(name="Oxford Health", slug="oh")
    AgencyQuota.objects.create(week=week, agency=police, max_places=1)
    slots = [slot_at(week, day=day) for day in range(3)]
    booking_create(user=senior_manager(agency=police), slot_id=slots[0].pk, agreed=True)
    with pytest.raises(BookingRefused) as caught:
        booking_create(user=senior_manager(agency=police), slot_id=slots[1].pk, agreed=True)
    assert caught.value.code == "quota"
    assert "Thames Valley Police has reached its quota of 1" in caught.value.message
    assert (
        booking_create(user=senior_manager(agency=nhs), slot_id=slots[2].pk, agreed=True).status
        == "confirmed"
    )


def test_the_prerequisite_module_must_be_complete(home_page):
    """The week requires the confidentiality module: refused until the manager has completed it."""
    module = ModulePageFactory(parent=module_index_ensure(home_page), title="Confidentiality on home visits")
    week = PracticeWeekFactory(prerequisite_module=module)
    slot = slot_at(week)
    manager = senior_manager()
    with pytest.raises(BookingRefused) as caught:
        booking_create(user=manager, slot_id=slot.pk, agreed=True)
    assert caught.value.code == "prerequisite"
    assert "Confidentiality on home visits" in caught.value.message
    ModuleCompletion.objects.create(user=manager, module=module, completed_at=timezone.now())
    assert booking_create(user=manager, slot_id=slot.pk, agreed=True).status == "confirmed"


def test_sign_up_not_yet_open_and_closed_are_refused():
    opens_later = PracticeWeekFactory(signup_opens_at=timezone.now() + dt.timedelta(days=1))
    closed = PracticeWeekFactory(
        signup_opens_at=timezone.now() - dt.timedelta(days=5),
        signup_closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    manager = senior_manager()
    assert refusal_code(user=manager, slot_id=slot_at(opens_later).pk, agreed=True) == "signup_not_open"
    assert refusal_code(user=manager, slot_id=slot_at(closed).pk, agreed=True) == "signup_closed"


def test_a_second_active_booking_on_the_same_slot_is_refused():
    slot = slot_at(PracticeWeekFactory(), capacity=3)
    manager = senior_manager()
    booking_create(user=manager, slot_id=slot.pk, agreed=True)
    assert refusal_code(user=manager, slot_id=slot.pk, agreed=True) == "duplicate"


def test_people_who_are_not_senior_managers_cannot_book_and_leavers_neither():
    slot = slot_at(PracticeWeekFactory())
    assert refusal_code(user=learner(), slot_id=slot.pk, agreed=True) == "not_allowed"
    leaver = staff_member(role="senior-manager", active=False)
    assert refusal_code(user=leaver, slot_id=slot.pk, agreed=True) == "not_allowed"


def test_l_and_d_may_book_too():
    slot = slot_at(PracticeWeekFactory())
    assert booking_create(user=ld_user(), slot_id=slot.pk, agreed=True).status == "confirmed"


def test_unapproved_and_missing_slots_read_as_not_found():
    week = PracticeWeekFactory()
    proposed = slot_at(week, status=Slot.Status.PROPOSED)
    assert refusal_code(user=senior_manager(), slot_id=proposed.pk, agreed=True) == "not_found"
    assert refusal_code(user=senior_manager(), slot_id=987654, agreed=True) == "not_found"


def test_cancel_before_the_cut_off_frees_the_place():
    slot = slot_at(PracticeWeekFactory())
    manager = senior_manager()
    booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
    cancelled = booking_cancel(booking_id=booking.pk, user=manager)
    slot.refresh_from_db()
    assert cancelled.status == Booking.Status.CANCELLED
    assert cancelled.ics_sequence == 1
    assert slot.places_held == 0


def test_cancel_after_the_cut_off_is_refused_but_l_and_d_can_override():
    """48 hours before the visit the manager can no longer cancel; L&D can, and it is recorded."""
    slot = slot_at(PracticeWeekFactory(cancellation_cutoff_hours=48))
    manager = senior_manager()
    booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
    with time_machine.travel(slot.starts_at - dt.timedelta(hours=47), tick=False):
        with pytest.raises(BookingRefused) as caught:
            booking_cancel(booking_id=booking.pk, user=manager)
        assert caught.value.code == "cutoff"
        assert "48 hours" in caught.value.message
        staff = ld_user()
        booking_cancel(booking_id=booking.pk, user=staff, override=True, note="Called in sick")
    event = BookingEvent.objects.filter(booking=booking, action="cancelled").get()
    assert event.by_ld and event.actor == staff and event.note == "Called in sick"


def test_leaving_the_waitlist_is_allowed_after_the_cut_off():
    slot = slot_at(PracticeWeekFactory())
    booking_direct(slot=slot, user=senior_manager())
    manager = senior_manager()
    waiting = booking_create(user=manager, slot_id=slot.pk, agreed=True)
    with time_machine.travel(slot.starts_at - dt.timedelta(hours=1), tick=False):
        assert booking_cancel(booking_id=waiting.pk, user=manager).status == "cancelled"


def test_nobody_cancels_someone_elses_booking_without_l_and_d_rights():
    slot = slot_at(PracticeWeekFactory())
    booking = booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    with pytest.raises(BookingRefused) as caught:
        booking_cancel(booking_id=booking.pk, user=senior_manager())
    assert caught.value.code == "not_found"
    with pytest.raises(BookingRefused):
        booking_cancel(booking_id=booking.pk, user=senior_manager(), override=True)


def test_a_slot_that_has_started_cannot_be_booked():
    slot = slot_at(PracticeWeekFactory(), host_team=TeamFactory())
    with time_machine.travel(slot.starts_at + dt.timedelta(minutes=5), tick=False):
        week = slot.week
        week.signup_closes_at = slot.starts_at + dt.timedelta(days=1)
        week.save()
        assert refusal_code(user=senior_manager(), slot_id=slot.pk, agreed=True) == "slot_started"
