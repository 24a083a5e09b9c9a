"""People's bookings: their own, their place in a waitlist, hosts' visitors, the learning record."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from cms.people.models import User
from practiceweek.models import Booking, PracticeWeek, Slot
from practiceweek.selectors.access import _signed_in, hosted_slots


def booking_active_for(*, user: User | AnonymousUser, slot: Slot) -> Booking | None:
    person = _signed_in(user)
    if person is None:
        return None
    return Booking.objects.filter(user=person, slot=slot, status__in=Booking.ACTIVE).first()


def waitlist_position(*, booking: Booking) -> int | None:
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(slot_id=booking.slot_id, status=Booking.Status.WAITLISTED).filter(
        Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def bookings_of(*, user: User, week: PracticeWeek | None = None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(user=user).select_related(
        "slot", "slot__host_team", "slot__week", "reflection"
    )
    if week is not None:
        bookings = bookings.filter(slot__week=week)
    return bookings.order_by("slot__starts_at", "pk")


def booking_of(*, user: User, booking_id: int) -> Booking | None:
    """The person's own booking, or None (other people's ids read as missing)."""
    return (
        Booking.objects.filter(pk=booking_id, user=user)
        .select_related("slot", "slot__host_team", "slot__week")
        .first()
    )


def booking_on_slot(*, slot: Slot, booking_id: int) -> Booking | None:
    """A booking of this slot, with its person, or None (a booking of another slot reads as missing)."""
    return Booking.objects.filter(pk=booking_id, slot=slot).select_related("user").first()


def host_slots_with_visitors(*, user: User, week: PracticeWeek | None = None) -> list[Slot]:
    """The host's open slots with their confirmed visitors (name, role, agency, agreement)."""
    confirmed = Booking.objects.filter(status=Booking.Status.CONFIRMED).select_related(
        "user", "user__profile", "user__profile__role", "agency"
    )
    slots = (
        hosted_slots(user=user)
        .filter(status__in=[Slot.Status.APPROVED, Slot.Status.PROPOSED])
        .select_related("week", "host_team")
        .prefetch_related(Prefetch("bookings", queryset=confirmed, to_attr="visitors"), "hosts")
        .order_by("starts_at")
    )
    if week is not None:
        slots = slots.filter(week=week)
    return list(slots)


def learning_record_visits(*, user: User) -> list[Booking]:
    """Confirmed practice-week visits for the person's learning record, with attendance and reflection."""
    return list(
        Booking.objects.filter(user=user, status=Booking.Status.CONFIRMED)
        .select_related("slot", "slot__host_team", "slot__week", "reflection")
        .order_by("-slot__starts_at")
    )
