"""Races on PostgreSQL: many people at once, never overbooked, never a double offer.

Each thread uses its own database connection, as separate web workers do; a barrier
releases them together so the transactions really overlap.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from practiceweek.models import Booking, Slot
from practiceweek.services import BookingRefused, booking_cancel, booking_create
from tests.practiceweek.factories import PracticeWeekFactory, booking_direct, senior_manager, slot_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(work, items):
    """Run work(item) for every item in its own thread, all released at once; return results and errors."""
    barrier = threading.Barrier(len(items))
    results, errors = [], []
    lock = threading.Lock()

    def run(item):
        try:
            barrier.wait(timeout=30)
            outcome = work(item)
            with lock:
                results.append(outcome)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def assert_slot_consistent(slot: Slot) -> None:
    slot.refresh_from_db()
    counts = Counter(Booking.objects.filter(slot=slot).values_list("status", flat=True))
    assert counts["confirmed"] + counts["offered"] == slot.places_held <= slot.capacity
    active = Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE)
    assert active.values("user").distinct().count() == active.count()


def test_fifty_people_race_for_the_last_places():
    """Two places left of five; fifty managers press Book at once: exactly two get them, 48 wait."""
    assert connection.vendor == "postgresql"
    slot = slot_at(PracticeWeekFactory(), capacity=5)
    for _ in range(3):
        booking_direct(slot=slot, user=senior_manager())
    managers = [senior_manager() for _ in range(50)]

    results, errors = run_together(
        lambda manager: booking_create(user=manager, slot_id=slot.pk, agreed=True).status, managers
    )
    assert errors == []
    assert Counter(results) == {"confirmed": 2, "waitlisted": 48}
    assert_slot_consistent(slot)
    assert slot.places_held == 5


def test_the_same_person_racing_for_two_clashing_slots_gets_one():
    week = PracticeWeekFactory()
    slots = [slot_at(week, hour=10, capacity=3) for _ in range(2)]
    manager = senior_manager()
    results, errors = run_together(
        lambda slot: booking_create(user=manager, slot_id=slot.pk, agreed=True).status, slots
    )
    assert results == ["confirmed"]
    assert [error.code for error in errors] == ["clash"]


def test_concurrent_cancellations_offer_each_freed_place_to_one_person_only():
    """Five confirmed managers cancel at the same moment with twenty waiting: five offers, to five people."""
    slot = slot_at(PracticeWeekFactory(), capacity=5)
    confirmed = [booking_direct(slot=slot, user=senior_manager()) for _ in range(5)]
    waiting = [booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True) for _ in range(20)]

    _results, errors = run_together(
        lambda booking: booking_cancel(booking_id=booking.pk, user=booking.user), confirmed
    )
    assert errors == []
    offered = Booking.objects.filter(slot=slot, status="offered")
    assert offered.count() == 5
    assert set(offered.values_list("pk", flat=True)) == {b.pk for b in waiting[:5]}, "in waitlist order"
    assert_slot_consistent(slot)


def test_cancellations_racing_with_new_bookings_never_overbook():
    """Cancellations, fresh bookings and a second cancel of the same booking all at once."""
    slot = slot_at(PracticeWeekFactory(), capacity=3)
    confirmed = [booking_direct(slot=slot, user=senior_manager()) for _ in range(3)]
    for _ in range(4):
        booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    newcomers = [senior_manager() for _ in range(10)]

    def work(item):
        kind, value = item
        if kind == "cancel":
            return booking_cancel(booking_id=value.pk, user=value.user).status
        return booking_create(user=value, slot_id=slot.pk, agreed=True).status

    items = [("cancel", b) for b in confirmed] + [("cancel", confirmed[0])] + [("book", m) for m in newcomers]
    _results, errors = run_together(work, items)
    assert all(isinstance(error, BookingRefused) and error.code == "not_active" for error in errors)
    assert len(errors) == 1
    assert_slot_consistent(slot)
    assert Booking.objects.filter(slot=slot, status__in=["confirmed", "offered"]).count() == 3
