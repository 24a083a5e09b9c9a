"""The booking rules and the locks they are checked under, shared by every write in this package."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.text import counted
from cms.people.models import User
from practiceweek.models import (
    AgencyQuota,
    Booking,
    BookingEvent,
    PracticeWeek,
    Slot,
)
from practiceweek.selectors import (
    signup_state,
)


class BookingRefused(Exception):
    """A rule said no. `code` is for programs, `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- helpers -------------------------------------------------------------------------


def _fmt(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, g:i A")


def _slot_locked_or_missing(slot_id: int) -> Slot:
    slot = _slot_locked(slot_id)
    if slot is None:
        raise BookingRefused("not_found", "That slot no longer exists.")
    return slot


def _slot_locked(slot_id: int) -> Slot | None:
    return (
        Slot.objects.select_for_update(no_key=True, of=("self",))
        .select_related("week", "host_team")
        .filter(pk=slot_id)
        .first()
    )


def _slot_locked_for_booking(slot_id: int, *, agency_id: int | None) -> Slot | None:
    """The slot, locked, with its week and (as `agency_quota`) the week's quota for this agency, if any."""
    quota = AgencyQuota.objects.filter(week_id=OuterRef("week_id"), agency_id=agency_id).values("max_places")
    return (
        Slot.objects.select_for_update(no_key=True, of=("self",))
        .select_related("week")
        .annotate(agency_quota=Subquery(quota[:1]) if agency_id is not None else Value(None))
        .filter(pk=slot_id)
        .first()
    )


def _users_locked(user_ids: Iterable[int]) -> None:
    ids = sorted(set(user_ids))
    if ids:
        list(
            User.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _quotas_locked(week: PracticeWeek, agency_ids: Iterable[int | None]) -> dict[int, int]:
    """Lock the week's quota rows for these agencies (id order); {agency id: max places}."""
    wanted = sorted({agency_id for agency_id in agency_ids if agency_id is not None})
    if not wanted:
        return {}
    rows = (
        AgencyQuota.objects.select_for_update(no_key=True)
        .filter(week=week, agency_id__in=wanted)
        .order_by("pk")
    )
    return {row.agency_id: row.max_places for row in rows}


def _record(
    booking: Booking,
    *,
    action: str,
    from_status: str,
    actor: User | None = None,
    by_ld: bool = False,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    BookingEvent.objects.create(
        booking=booking,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=booking.status,
        by_ld=by_ld,
        note=note,
    )


def _take_place(slot: Slot) -> None:
    taken = Slot.objects.filter(pk=slot.pk, places_held__lt=F("capacity")).update(
        places_held=F("places_held") + 1
    )
    if taken != 1:
        raise BookingRefused("full", "There are no places left on this slot.")
    slot.places_held += 1


def _free_place(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk, places_held__gt=0).update(places_held=F("places_held") - 1)
    slot.places_held = max(slot.places_held - 1, 0)


@dataclass(frozen=True)
class _Held:
    """One of the person's bookings, as much as the rules need (no model instances on the hot path)."""

    booking_id: int
    slot_id: int
    week_id: int
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def _bookings_of_person(
    user_id: int, *, statuses: Iterable[str], exclude_booking_id: int | None = None
) -> list[_Held]:
    """The person's bookings in these statuses, every week, in one query."""
    rows = (
        Booking.objects.filter(user_id=user_id, status__in=list(statuses))
        .exclude(pk=exclude_booking_id or 0)
        .order_by()
        .values_list("pk", "slot_id", "slot__week_id", "status", "slot__starts_at", "slot__ends_at")
    )
    return [_Held(*row) for row in rows]


def _held_by(user_id: int, *, exclude_booking_id: int | None = None) -> list[_Held]:
    """The person's confirmed places and open offers, every week."""
    return _bookings_of_person(user_id, statuses=Booking.HELD, exclude_booking_id=exclude_booking_id)


def _clash_refusal(*, held: list[_Held], slot: Slot) -> BookingRefused | None:
    """A place or offer of the person's on another slot overlapping this one."""
    other = next(
        (
            booking
            for booking in held
            if booking.slot_id != slot.pk
            and booking.starts_at < slot.ends_at
            and booking.ends_at > slot.starts_at
        ),
        None,
    )
    if other is None:
        return None
    other_slot = Slot.objects.select_related("host_team").get(pk=other.slot_id)
    return BookingRefused(
        "clash",
        f"This slot clashes with your place on {other_slot.get_activity_display()} with "
        f"{other_slot.host_team.name} ({_fmt(other_slot.starts_at)}).",
    )


def _person_refusal(
    *,
    user_id: int,
    agency_id: int | None,
    slot: Slot,
    quotas: dict[int, int],
    exclude_booking_id: int | None = None,
    held: list[_Held] | None = None,
) -> BookingRefused | None:
    """Time clash, per-person limit and agency quota, in that order. Caller holds the locks.

    `held` is the person's confirmed places and offers (`_held_by`) when the caller has them.
    """
    week = slot.week
    if held is None:
        held = _held_by(user_id, exclude_booking_id=exclude_booking_id)
    clash = _clash_refusal(held=held, slot=slot)
    if clash is not None:
        return clash
    if sum(1 for booking in held if booking.week_id == week.pk) >= week.max_bookings_per_person:
        return BookingRefused(
            "limit",
            f"You already hold {_places(week.max_bookings_per_person)}, the most one person may have in "
            f"{week.name}. Cancel one to book another.",
        )
    if agency_id in quotas:
        used = (
            Booking.objects.filter(slot__week=week, status__in=Booking.HELD, agency_id=agency_id)
            .exclude(pk=exclude_booking_id or 0)
            .count()
        )
        if used >= quotas[agency_id]:
            agency = AgencyQuota.objects.select_related("agency").get(week=week, agency_id=agency_id).agency
            return BookingRefused(
                "quota",
                f"{agency.name} has reached its quota of {_places(quotas[agency_id])} for {week.name}.",
            )
    return None


def _signup_refusal(week: PracticeWeek, now: dt.datetime) -> BookingRefused | None:
    state = signup_state(week=week, now=now)
    if state == "not_open":
        return BookingRefused(
            "signup_not_open", f"Sign-up for {week.name} opens on {_fmt(week.signup_opens_at)}."
        )
    if state == "closed":
        return BookingRefused(
            "signup_closed", f"Sign-up for {week.name} closed on {_fmt(week.signup_closes_at)}."
        )
    if state == "ballot_pending":
        return BookingRefused(
            "ballot_pending",
            "The ballot has closed and places are being drawn. You will get an email with your result; "
            "remaining places open for booking afterwards.",
        )
    return None


def _places(count: int) -> str:
    """A number of places as a person would say it ("1 place", "2 places")."""
    return counted(count, "place")
