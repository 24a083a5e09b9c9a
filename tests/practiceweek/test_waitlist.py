"""The waitlist: time-limited offers, accept and decline, expiry, and L&D overrides."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cms.core.models import MessageSent
from practiceweek.models import Booking, BookingEvent, Slot
from practiceweek.services import (
    BookingRefused,
    booking_allocate,
    booking_cancel,
    booking_create,
    booking_waitlist_move_to_front,
    offer_respond,
    offers_expire_due,
    slot_changed,
)
from tests.practiceweek.factories import PracticeWeekFactory, booking_direct, ld_user, senior_manager, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_slot():
    """A one-place slot, taken, with two people waiting in order."""
    slot = slot_at(PracticeWeekFactory(offer_hours=24))
    holder = senior_manager(first_name="Holder")
    first = senior_manager(first_name="First")
    second = senior_manager(first_name="Second")
    held = booking_create(user=holder, slot_id=slot.pk, agreed=True)
    waiting = [booking_create(user=person, slot_id=slot.pk, agreed=True) for person in (first, second)]
    return slot, held, waiting


def _free_the_place(held: Booking, *waiting: Booking) -> None:
    """The holder cancels their place; the waiting bookings are read again after the waitlist moves."""
    booking_cancel(booking_id=held.pk, user=held.user)
    for booking in waiting:
        booking.refresh_from_db()


def test_a_cancellation_offers_the_place_to_the_first_person_waiting(full_slot, sent):
    """A confirmed manager cancels; the first on the waitlist is offered the place for 24 hours."""
    slot, held, (first, second) = full_slot
    with sent() as outbox:
        booking_cancel(booking_id=held.pk, user=held.user)
    first.refresh_from_db()
    second.refresh_from_db()
    slot.refresh_from_db()
    assert first.status == Booking.Status.OFFERED
    assert first.offer_round == 1
    assert first.offer_expires_at == pytest.approx(
        timezone.now() + dt.timedelta(hours=24), abs=dt.timedelta(minutes=1)
    )
    assert second.status == Booking.Status.WAITLISTED
    assert slot.places_held == 1, "the offer holds the freed place"
    offer_mail = next(message for message in outbox if message.to == [first.user.email])
    assert "/practice-week/offers/" in offer_mail.body


def test_the_first_person_with_a_clash_is_skipped(full_slot):
    """The first waiting manager has since taken a clashing place elsewhere: the second gets the offer."""
    slot, held, (first, second) = full_slot
    clashing = slot_at(slot.week, hour=10, minutes=30, capacity=2)
    booking_create(user=first.user, slot_id=clashing.pk, agreed=True)
    _free_the_place(held, first, second)
    assert first.status == Booking.Status.WAITLISTED
    assert second.status == Booking.Status.OFFERED


def test_accepting_an_offer_confirms_the_place(full_slot):
    slot, held, (first, _second) = full_slot
    _free_the_place(held, first)
    booking = offer_respond(booking_id=first.pk, offer_round=first.offer_round, user=first.user, accept=True)
    slot.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert slot.places_held == 1


def test_declining_moves_the_offer_on(full_slot):
    _slot, held, (first, second) = full_slot
    _free_the_place(held, first)
    offer_respond(booking_id=first.pk, offer_round=first.offer_round, user=first.user, accept=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booking.Status.DECLINED
    assert second.status == Booking.Status.OFFERED


def test_an_offer_expires_and_moves_on_once(full_slot, sent):
    """Nobody answers within 24 hours: the offer expires, the next person is offered, one expiry email."""
    _slot, held, (first, second) = full_slot
    booking_cancel(booking_id=held.pk, user=held.user)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False):
        with sent() as outbox:
            assert offers_expire_due() == 1
            assert offers_expire_due() == 0
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Booking.Status.EXPIRED
        assert second.status == Booking.Status.OFFERED
        expiry = [m for m in outbox if m.to == [first.user.email]]
        assert len(expiry) == 1 and "Offer expired" in expiry[0].subject
        assert MessageSent.objects.filter(key__startswith="offer-expired:").count() == 1
        with pytest.raises(BookingRefused) as caught:
            offer_respond(booking_id=first.pk, offer_round=first.offer_round, user=first.user, accept=True)
        assert caught.value.code == "offer_closed"


def test_answering_a_stale_offer_after_its_time_expires_it(full_slot):
    """The offer's time has passed but the sweep has not run: accepting is refused and the place moves on."""
    _slot, held, (first, second) = full_slot
    _free_the_place(held, first)
    later = time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False)
    with later, pytest.raises(BookingRefused) as caught:
        offer_respond(booking_id=first.pk, offer_round=first.offer_round, user=first.user, accept=True)
    assert caught.value.code == "offer_expired"
    second.refresh_from_db()
    assert second.status == Booking.Status.OFFERED


def test_an_offer_cannot_outlive_the_slot_start():
    slot = slot_at(PracticeWeekFactory(offer_hours=72))
    holder, waiting = senior_manager(), senior_manager()
    held = booking_create(user=holder, slot_id=slot.pk, agreed=True)
    booking = booking_create(user=waiting, slot_id=slot.pk, agreed=True)
    booking_cancel(booking_id=held.pk, user=holder)
    booking.refresh_from_db()
    assert booking.offer_expires_at <= slot.starts_at


def test_l_and_d_allocate_over_a_clash_and_it_is_recorded():
    """L&D give a manager a place despite a clash; the override and its reason are in the history."""
    week = PracticeWeekFactory()
    manager = senior_manager()
    first = slot_at(week, hour=10, capacity=2)
    clashing = slot_at(week, hour=10, capacity=2)
    booking_create(user=manager, slot_id=first.pk, agreed=True)
    staff = ld_user()
    booking = booking_allocate(actor=staff, user=manager, slot_id=clashing.pk, note="Director's request")
    assert booking.status == Booking.Status.CONFIRMED
    event = BookingEvent.objects.get(booking=booking)
    assert event.by_ld and event.actor == staff
    assert event.note.startswith("Director's request (overrode: This slot clashes")


def test_l_and_d_cannot_allocate_beyond_capacity_or_without_a_reason():
    slot = slot_at(PracticeWeekFactory(), capacity=1)
    booking_direct(slot=slot, user=senior_manager())
    staff = ld_user()
    with pytest.raises(BookingRefused) as caught:
        booking_allocate(actor=staff, user=senior_manager(), slot_id=slot.pk, note="Please")
    assert caught.value.code == "full"
    with pytest.raises(BookingRefused) as caught:
        booking_allocate(actor=staff, user=senior_manager(), slot_id=slot.pk, note="  ")
    assert caught.value.code == "note"
    with pytest.raises(BookingRefused) as caught:
        booking_allocate(actor=senior_manager(), user=senior_manager(), slot_id=slot.pk, note="x")
    assert caught.value.code == "not_allowed"


def test_l_and_d_move_someone_to_the_front_of_the_waitlist(full_slot):
    _slot, held, (first, second) = full_slot
    booking_waitlist_move_to_front(actor=ld_user(), booking_id=second.pk, note="Needs it for induction")
    _free_the_place(held, second, first)
    assert second.status == Booking.Status.OFFERED
    assert first.status == Booking.Status.WAITLISTED


def test_raising_capacity_offers_the_new_places(full_slot):
    slot, _held, (first, second) = full_slot
    before = Slot.objects.filter(pk=slot.pk).values("starts_at", "ends_at", "status").get()
    slot.capacity = 3
    slot.save()
    slot_changed(
        slot_id=slot.pk,
        actor=ld_user(),
        old_starts_at=before["starts_at"],
        old_ends_at=before["ends_at"],
        old_status=before["status"],
    )
    assert set(Booking.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        "offered"
    }
    slot.refresh_from_db()
    assert slot.places_held == 3


def test_withdrawing_a_slot_cancels_its_bookings(full_slot, sent):
    slot, held, _waiting = full_slot
    slot.status = Slot.Status.WITHDRAWN
    slot.save()
    with sent() as outbox:
        slot_changed(
            slot_id=slot.pk,
            actor=ld_user(),
            old_starts_at=slot.starts_at,
            old_ends_at=slot.ends_at,
            old_status="approved",
        )
    assert set(Booking.objects.filter(slot=slot).values_list("status", flat=True)) == {"cancelled"}
    assert any(message.to == [held.user.email] and "Cancelled" in message.subject for message in outbox)
    slot.refresh_from_db()
    assert slot.places_held == 0


def test_the_edit_form_never_overwrites_places_held():
    """An admin form saved with a stale copy of the slot leaves the live count alone."""
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    stale = Slot.objects.get(pk=slot.pk)
    booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    stale.locality = "Banbury"
    stale.save()
    slot.refresh_from_db()
    assert slot.places_held == 1 and slot.locality == "Banbury"
