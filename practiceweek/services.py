"""Writes for practice week: booking, cancelling, waitlist offers, the ballot, hosts and L&D.

Integrity. Every change to a slot's bookings runs in one transaction that first
locks the slot row (`SELECT ... FOR NO KEY UPDATE`), so changes to one slot are
serialised; rules are checked under that lock. Locks are always taken in the same
order, which rules out deadlocks: the slot, then the people concerned (in id
order), then agency quota rows (in id order). `Slot.places_held` (confirmed plus
offered) only moves with a conditional UPDATE under the lock, and the database
backs it with CHECK (places_held <= capacity); the partial unique constraint
allows one active booking per person and slot. An offer holds a place, so two
offers for one freed place would break the CHECK: a double offer cannot commit.

Messages are queued with `transaction.on_commit` (practiceweek.notifications).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.csv_intake import CsvRefused, csv_date, csv_text
from cms.core.ledger import message_claim
from cms.people.models import Team
from cms.people.roles import LD_GROUPS
from learning.selectors import module_completed
from practiceweek import conf, notifications
from practiceweek.models import (
    Activity,
    AgencyQuota,
    Booking,
    BookingEvent,
    PracticeWeek,
    Reflection,
    Slot,
)
from practiceweek.selectors import (
    signup_state,
    user_agency_id,
    user_can_book,
    user_home_team,
    user_hosts_slot,
    user_is_ld,
)

User = get_user_model()


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
    actor=None,
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
            f"You already hold {week.max_bookings_per_person} place(s), the most one person may have in "
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
                f"{agency.name} has reached its quota of {quotas[agency_id]} place(s) for {week.name}.",
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


# --- booking ------------------------------------------------------------------------


def booking_create(*, user, slot_id: int, agreed: bool, now: dt.datetime | None = None) -> Booking:
    """Book a place: confirmed when one is free, waitlisted when full, a request in ballot mode.

    Refuses (BookingRefused) with a reason: not allowed, missing slot, sign-up not open or
    closed, ballot being drawn, slot started, agreement not accepted, prerequisite not
    complete, already booked, time clash, per-person limit, agency quota.

    The hot path of practice week's opening minutes, so it stays lean: one transaction of
    a handful of statements (lock the slot, lock the person, read the person's active
    bookings once for the duplicate, clash and limit rules, the agency quota only when the
    week has one, a conditional UPDATE of the slot's count, two INSERTs). Emails and the
    .ics are built by a worker after commit (practiceweek.notifications).
    """
    now = now or timezone.now()
    if not user_can_book(user=user):
        raise BookingRefused(
            "not_allowed",
            "Only senior managers of the council and its partner agencies can book practice week slots.",
        )
    if not agreed:
        raise BookingRefused("agreement", "Accept the confidentiality agreement to book this slot.")
    agency_id = user_agency_id(user=user)
    try:
        with transaction.atomic():
            slot = _slot_locked_for_booking(slot_id, agency_id=agency_id)
            if slot is None or slot.status != Slot.Status.APPROVED:
                raise BookingRefused("not_found", "That slot does not exist or is not open for booking.")
            week = slot.week
            if slot.starts_at <= now:
                raise BookingRefused("slot_started", "This slot has already started.")
            refusal = _signup_refusal(week, now)
            if refusal:
                raise refusal
            module = week.prerequisite_module if week.prerequisite_module_id else None
            if module is not None and not module_completed(user=user, module_id=module.pk):
                raise BookingRefused(
                    "prerequisite",
                    f"Complete the module “{module.title}” before booking a practice week slot.",
                )
            _users_locked([user.pk])
            active = _bookings_of_person(user.pk, statuses=Booking.ACTIVE)
            existing = next((booking for booking in active if booking.slot_id == slot.pk), None)
            if existing is not None:
                raise BookingRefused(
                    "duplicate",
                    "You already have a booking for this slot "
                    f"({Booking.Status(existing.status).label.lower()}).",
                )
            held = [booking for booking in active if booking.status in Booking.HELD]
            ballot = signup_state(week=week, now=now) == "ballot"
            if ballot:
                # Requests may overlap each other (the draw resolves that); places already held clash.
                refusal = _clash_refusal(held=held, slot=slot)
            else:
                has_quota = agency_id is not None and getattr(slot, "agency_quota", None) is not None
                quotas = _quotas_locked(week, [agency_id]) if has_quota else {}
                refusal = _person_refusal(
                    user_id=user.pk, agency_id=agency_id, slot=slot, quotas=quotas, held=held
                )
            if refusal:
                raise refusal
            if ballot:
                status = Booking.Status.REQUESTED
            elif slot.places_held < slot.capacity:
                _take_place(slot)
                status = Booking.Status.CONFIRMED
            else:
                status = Booking.Status.WAITLISTED
            booking = Booking.objects.create(
                slot=slot, user=user, agency_id=agency_id, status=status, queued_at=now, agreed_at=now
            )
            _record(booking, action="booked", from_status="", actor=user, at=now)
            if status == Booking.Status.CONFIRMED:
                notifications.booking_confirmed(booking=booking)
            elif status == Booking.Status.WAITLISTED:
                notifications.booking_waitlisted(booking=booking)
            else:
                notifications.booking_requested(booking=booking)
    except IntegrityError as error:
        # The checks under the locks make these unreachable; the constraints are the last line.
        if "never_overbooked" in str(error):
            raise BookingRefused("full", "There are no places left on this slot.") from error
        raise BookingRefused("duplicate", "You already have a booking for this slot.") from error
    return booking


def cancellation_deadline(*, slot: Slot) -> dt.datetime:
    return slot.starts_at - dt.timedelta(hours=slot.week.cancellation_cutoff_hours)


def booking_cancel(
    *, booking_id: int, user, override: bool = False, note: str = "", now: dt.datetime | None = None
) -> Booking:
    """Cancel a booking (or leave a waitlist); a freed place is offered to the waitlist.

    The owner may cancel a confirmed place until the week's cut-off. L&D may cancel
    anyone's booking at any time with `override=True`; that is recorded with the note.
    """
    now = now or timezone.now()
    ld = override and user_is_ld(user=user)
    if override and not ld:
        raise BookingRefused("not_allowed", "Only the L&D team can cancel other people's bookings.")
    slot_id = Booking.objects.filter(pk=booking_id).values_list("slot_id", flat=True).first()
    with transaction.atomic():
        slot = _slot_locked(slot_id) if slot_id else None
        booking = (
            Booking.objects.select_related("user", "agency", "slot", "slot__host_team", "slot__week")
            .filter(pk=booking_id)
            .first()
        )
        if slot is None or booking is None or (booking.user_id != user.pk and not ld):
            raise BookingRefused("not_found", "We could not find that booking.")
        booking.slot = slot
        if booking.status not in Booking.ACTIVE:
            raise BookingRefused("not_active", "This booking is already cancelled.")
        if booking.status == Booking.Status.CONFIRMED and not ld:
            deadline = cancellation_deadline(slot=slot)
            if now >= deadline:
                raise BookingRefused(
                    "cutoff",
                    f"Places can only be cancelled up to {slot.week.cancellation_cutoff_hours} hours "
                    f"before the visit (by {_fmt(deadline)}). Please contact the L&D team.",
                )
        previous = booking.status
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.offer_expires_at = None
        if previous in Booking.HELD:
            _free_place(slot)
        if previous == Booking.Status.CONFIRMED:
            booking.ics_sequence += 1
        booking.save()
        _record(booking, action="cancelled", from_status=previous, actor=user, by_ld=ld, note=note, at=now)
        notifications.booking_cancelled(booking=booking, previous_status=previous, by_ld=ld)
        if previous in Booking.HELD:
            _offer_free_places(slot=slot, now=now)
    return booking


def _offer_free_places(*, slot: Slot, now: dt.datetime) -> list[Booking]:
    """Offer free places to the waitlist in order, skipping people a rule would refuse.

    The caller holds the slot lock. Each offer holds a place (places_held + 1).
    """
    if slot.status != Slot.Status.APPROVED or slot.starts_at <= now or slot.places_held >= slot.capacity:
        return []
    waiting = list(
        Booking.objects.filter(slot=slot, status=Booking.Status.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "pk")
    )
    if not waiting:
        return []
    _users_locked(b.user_id for b in waiting)
    quotas = _quotas_locked(slot.week, (b.agency_id for b in waiting))
    offered: list[Booking] = []
    for booking in waiting:
        if slot.places_held >= slot.capacity:
            break
        refusal = _person_refusal(
            user_id=booking.user_id,
            agency_id=booking.agency_id,
            slot=slot,
            quotas=quotas,
            exclude_booking_id=booking.pk,
        )
        if refusal is not None:
            continue
        _take_place(slot)
        booking.status = Booking.Status.OFFERED
        booking.offer_round += 1
        booking.offer_expires_at = min(now + dt.timedelta(hours=slot.week.offer_hours), slot.starts_at)
        booking.slot = slot
        booking.save()
        _record(booking, action="offered", from_status=Booking.Status.WAITLISTED, at=now)
        notifications.offer_made(booking=booking)
        offered.append(booking)
    return offered


def offer_respond(
    *, booking_id: int, offer_round: int, user, accept: bool, now: dt.datetime | None = None
) -> Booking:
    """Accept (confirmed, with an invite) or decline (the place moves on) a waitlist offer."""
    now = now or timezone.now()
    slot_id = Booking.objects.filter(pk=booking_id, user_id=user.pk).values_list("slot_id", flat=True).first()
    if slot_id is None:
        raise BookingRefused("offer_invalid", "This offer link is not valid for your account.")
    with transaction.atomic():
        slot = _slot_locked_or_missing(slot_id)
        booking = Booking.objects.select_related("user", "agency").get(pk=booking_id)
        booking.slot = slot
        expires_at = booking.offer_expires_at
        if (
            booking.status != Booking.Status.OFFERED
            or booking.offer_round != offer_round
            or expires_at is None
        ):
            raise BookingRefused("offer_closed", "This offer is no longer open.")
        expired = expires_at <= now
        previous = booking.status
        if expired:
            # Committed before refusing: the place moves on to the next person.
            _offer_expire(booking=booking, slot=slot, now=now)
        elif accept:
            booking.status = Booking.Status.CONFIRMED
            booking.offer_expires_at = None
            booking.save()
            _record(booking, action="offer accepted", from_status=previous, actor=user, at=now)
            notifications.booking_confirmed(booking=booking)
        else:
            booking.status = Booking.Status.DECLINED
            booking.offer_expires_at = None
            booking.cancelled_at = now
            booking.save()
            _free_place(slot)
            _record(booking, action="offer declined", from_status=previous, actor=user, at=now)
            _offer_free_places(slot=slot, now=now)
    if expired:
        raise BookingRefused("offer_expired", f"This offer expired on {_fmt(expires_at)}.")
    return booking


def _offer_expire(*, booking: Booking, slot: Slot, now: dt.datetime) -> None:
    booking.status = Booking.Status.EXPIRED
    booking.save(update_fields=["status", "updated_at"])
    _free_place(slot)
    _record(booking, action="offer expired", from_status=Booking.Status.OFFERED, at=now)
    key = f"offer-expired:{booking.pk}:{booking.offer_round}"
    if message_claim(key=key):
        notifications.offer_expired(booking=booking)
    _offer_free_places(slot=slot, now=now)


def offers_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire offers past their time and move each place on. Safe to run repeatedly or concurrently."""
    now = now or timezone.now()
    due = list(
        Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "pk", "slot_id"
        )
    )
    expired = 0
    for booking_id, slot_id in due:
        with transaction.atomic():
            slot = _slot_locked_or_missing(slot_id)
            booking = Booking.objects.select_related("user").filter(pk=booking_id).first()
            if (
                booking is None
                or booking.status != Booking.Status.OFFERED
                or booking.offer_expires_at is None
                or booking.offer_expires_at > now
            ):
                continue
            booking.slot = slot
            _offer_expire(booking=booking, slot=slot, now=now)
            expired += 1
    return expired


# --- L&D allocation and overrides ---------------------------------------------------------


def booking_allocate(*, actor, user, slot_id: int, note: str, now: dt.datetime | None = None) -> Booking:
    """L&D give a person a confirmed place, overriding the person rules (recorded).

    Capacity is never overridden: raise the slot's capacity first if it is full.
    An existing request, waitlist entry or offer for the slot becomes the confirmed place.
    """
    now = now or timezone.now()
    if not user_is_ld(user=actor):
        raise BookingRefused("not_allowed", "Only the L&D team can allocate places.")
    if not note.strip():
        raise BookingRefused("note", "Say why you are allocating this place: it is recorded.")
    agency_id = user_agency_id(user=user)
    with transaction.atomic():
        slot = _slot_locked(slot_id)
        if slot is None or slot.status != Slot.Status.APPROVED:
            raise BookingRefused("not_found", "That slot does not exist or is not open.")
        _users_locked([user.pk])
        quotas = _quotas_locked(slot.week, [agency_id])
        existing = Booking.objects.filter(slot=slot, user=user, status__in=Booking.ACTIVE).first()
        if existing is not None and existing.status == Booking.Status.CONFIRMED:
            raise BookingRefused("duplicate", f"{user} already has a confirmed place on this slot.")
        overridden = _person_refusal(
            user_id=user.pk,
            agency_id=agency_id,
            slot=slot,
            quotas=quotas,
            exclude_booking_id=existing.pk if existing else None,
        )
        if existing is None or existing.status != Booking.Status.OFFERED:
            _take_place(slot)
        full_note = note.strip() + (f" (overrode: {overridden.message})" if overridden else "")
        if existing is None:
            booking = Booking.objects.create(
                slot=slot, user=user, agency_id=agency_id, status=Booking.Status.CONFIRMED, queued_at=now
            )
            previous = ""
        else:
            booking = existing
            previous = existing.status
            booking.status = Booking.Status.CONFIRMED
            booking.offer_expires_at = None
            booking.save()
        booking.slot = slot
        _record(
            booking,
            action="allocated by L&D",
            from_status=previous,
            actor=actor,
            by_ld=True,
            note=full_note,
            at=now,
        )
        notifications.booking_confirmed(booking=booking)
    return booking


def booking_waitlist_move_to_front(
    *, actor, booking_id: int, note: str, now: dt.datetime | None = None
) -> Booking:
    """L&D put a waitlisted person first in the queue (recorded)."""
    now = now or timezone.now()
    if not user_is_ld(user=actor):
        raise BookingRefused("not_allowed", "Only the L&D team can reorder a waitlist.")
    if not note.strip():
        raise BookingRefused("note", "Say why you are moving this person: it is recorded.")
    slot_id = Booking.objects.filter(pk=booking_id).values_list("slot_id", flat=True).first()
    with transaction.atomic():
        slot = _slot_locked(slot_id) if slot_id else None
        booking = Booking.objects.filter(pk=booking_id, status=Booking.Status.WAITLISTED).first()
        if slot is None or booking is None:
            raise BookingRefused("not_found", "That person is not on a waitlist.")
        first = (
            Booking.objects.filter(slot=slot, status=Booking.Status.WAITLISTED)
            .order_by("queued_at", "pk")
            .first()
        )
        if first is not None and first.pk != booking.pk:
            booking.queued_at = first.queued_at - dt.timedelta(seconds=1)
            booking.save(update_fields=["queued_at", "updated_at"])
        _record(
            booking,
            action="moved to front of waitlist",
            from_status=booking.status,
            actor=actor,
            by_ld=True,
            note=note.strip(),
            at=now,
        )
    return booking


# --- ballot ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotRequest:
    booking_id: int
    user_id: int
    agency_id: int | None
    slot_id: int


@dataclass(frozen=True)
class BallotOutcome:
    confirmed: list[int]
    waitlist: list[int]  # in lottery order


def ballot_allocate(
    *,
    seed: str,
    requests: list[BallotRequest],
    free_places: dict[int, int],
    slot_times: dict[int, tuple[dt.datetime, dt.datetime]],
    quotas: dict[int, int],
    limit: int,
    held_times: dict[int, list[tuple[dt.datetime, dt.datetime]]] | None = None,
) -> BallotOutcome:
    """The lottery, as a pure function: the same inputs and seed always give the same outcome.

    People are put in a random order drawn from the seed (over their ids, sorted, so the
    order of the input does not matter). Places are then given in rounds: in each round
    every person, in lottery order, gets at most one place, the first of their requests
    (in the order they made them) that has a free place, does not clash with a place they
    already hold, and keeps their agency within its quota; nobody exceeds the per-person
    limit. Unplaced requests join the waitlists in lottery order.
    """
    rng = random.Random(seed)  # noqa: S311 - a reproducible lottery, not a secret
    people = sorted({request.user_id for request in requests})
    rng.shuffle(people)
    pending: dict[int, list[BallotRequest]] = defaultdict(list)
    for request in sorted(requests, key=lambda r: r.booking_id):
        pending[request.user_id].append(request)
    free = dict(free_places)
    held: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for user_id, times in (held_times or {}).items():
        held[user_id].extend(times)
    agency_used: Counter = Counter()
    confirmed: list[int] = []

    def fits(request: BallotRequest) -> bool:
        if free.get(request.slot_id, 0) <= 0:
            return False
        starts, ends = slot_times[request.slot_id]
        if any(s < ends and e > starts for s, e in held[request.user_id]):
            return False
        return not (
            request.agency_id in quotas and agency_used[request.agency_id] >= quotas[request.agency_id]
        )

    for _round in range(limit):
        placed_any = False
        for user_id in people:
            if len(held[user_id]) >= limit:
                continue
            for request in pending[user_id]:
                if fits(request):
                    free[request.slot_id] -= 1
                    held[user_id].append(slot_times[request.slot_id])
                    if request.agency_id is not None:
                        agency_used[request.agency_id] += 1
                    confirmed.append(request.booking_id)
                    pending[user_id].remove(request)
                    placed_any = True
                    break
        if not placed_any:
            break
    waitlist = [request.booking_id for user_id in people for request in pending[user_id]]
    return BallotOutcome(confirmed=confirmed, waitlist=waitlist)


def ballot_draw(*, week_id: int, actor=None, now: dt.datetime | None = None) -> BallotOutcome:
    """Draw the week's ballot once: confirm winners, waitlist the rest, email everyone their result."""
    now = now or timezone.now()
    with transaction.atomic():
        week = PracticeWeek.objects.select_for_update().filter(pk=week_id).first()
        if week is None or not week.is_ballot:
            raise BookingRefused("not_ballot", "That week is not allocated by ballot.")
        if week.ballot_drawn_at is not None:
            raise BookingRefused("drawn", f"The ballot was drawn on {_fmt(week.ballot_drawn_at)}.")
        if week.ballot_closes_at and now < week.ballot_closes_at:
            raise BookingRefused("ballot_open", f"The ballot is open until {_fmt(week.ballot_closes_at)}.")
        slots = {
            slot.pk: slot
            for slot in Slot.objects.select_for_update(no_key=True, of=("self",))
            .filter(week=week)
            .select_related("host_team", "week")
            .order_by("pk")
        }
        requests = list(
            Booking.objects.filter(slot__week=week, status=Booking.Status.REQUESTED)
            .select_related("user", "agency")
            .order_by("pk")
        )
        _users_locked(b.user_id for b in requests)
        quotas = _quotas_locked(week, (b.agency_id for b in requests))
        open_slots = {
            pk for pk, slot in slots.items() if slot.status == Slot.Status.APPROVED and slot.starts_at > now
        }
        outcome = ballot_allocate(
            seed=week.ballot_seed,
            requests=[
                BallotRequest(b.pk, b.user_id, b.agency_id, b.slot_id)
                for b in requests
                if b.slot_id in open_slots
            ],
            free_places={pk: slots[pk].capacity - slots[pk].places_held for pk in open_slots},
            slot_times={pk: (slot.starts_at, slot.ends_at) for pk, slot in slots.items()},
            quotas=quotas,
            limit=week.max_bookings_per_person,
        )
        by_id = {b.pk: b for b in requests}
        results: dict[int, tuple[list[Booking], list[Booking]]] = defaultdict(lambda: ([], []))
        for booking_id in outcome.confirmed:
            booking = by_id[booking_id]
            booking.slot = slots[booking.slot_id]
            _take_place(booking.slot)
            booking.status = Booking.Status.CONFIRMED
            booking.save()
            _record(
                booking, action="ballot: place", from_status=Booking.Status.REQUESTED, actor=actor, at=now
            )
            results[booking.user_id][0].append(booking)
        for position, booking_id in enumerate(outcome.waitlist):
            booking = by_id[booking_id]
            booking.slot = slots[booking.slot_id]
            booking.status = Booking.Status.WAITLISTED
            booking.queued_at = now + dt.timedelta(microseconds=position)
            booking.save()
            _record(
                booking,
                action="ballot: waitlisted",
                from_status=Booking.Status.REQUESTED,
                actor=actor,
                at=now,
            )
            results[booking.user_id][1].append(booking)
        for booking in requests:
            if booking.slot_id not in open_slots:
                booking.status = Booking.Status.CANCELLED
                booking.cancelled_at = now
                booking.save()
                _record(
                    booking,
                    action="ballot: slot no longer open",
                    from_status=Booking.Status.REQUESTED,
                    at=now,
                )
        week.ballot_drawn_at = now
        week.save(update_fields=["ballot_drawn_at"])
        for won, waiting in results.values():
            user = by_id[(won or waiting)[0].pk].user
            notifications.ballot_result(user=user, confirmed=won, waitlisted=waiting)
    return outcome


def ballots_draw_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    drawn = 0
    weeks = PracticeWeek.objects.filter(
        allocation=PracticeWeek.Allocation.BALLOT, ballot_drawn_at__isnull=True, ballot_closes_at__lte=now
    ).values_list("pk", flat=True)
    for week_id in list(weeks):
        try:
            ballot_draw(week_id=week_id, now=now)
        except BookingRefused:
            continue
        drawn += 1
    return drawn


# --- slots: edits, proposals, bulk upload -------------------------------------------------


def slot_changed(
    *,
    slot_id: int,
    actor,
    old_starts_at: dt.datetime,
    old_ends_at: dt.datetime,
    old_status: str,
    old_meeting_point: str | None = None,
    old_locality: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """After L&D edit a slot: updated invites for a new time or place, cancel if withdrawn, fill new places.

    A new time, meeting point or locality reaches every confirmed person as an .ics REQUEST
    with the same UID and a higher SEQUENCE, so their calendar moves the event. The old
    place is optional (None: not compared) for callers that only know the old times.
    """
    now = now or timezone.now()
    with transaction.atomic():
        slot = _slot_locked(slot_id)
        if slot is None:
            return
        if old_status == Slot.Status.APPROVED and slot.status != Slot.Status.APPROVED:
            for booking in Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).select_related(
                "user", "agency"
            ):
                previous = booking.status
                booking.slot = slot
                booking.status = Booking.Status.CANCELLED
                booking.cancelled_at = now
                booking.offer_expires_at = None
                if previous == Booking.Status.CONFIRMED:
                    booking.ics_sequence += 1
                booking.save()
                _record(
                    booking, action="slot withdrawn", from_status=previous, actor=actor, by_ld=True, at=now
                )
                notifications.booking_cancelled(booking=booking, previous_status=previous, by_ld=True)
            Slot.objects.filter(pk=slot.pk).update(places_held=0)
            return
        changes = []
        if (slot.starts_at, slot.ends_at) != (old_starts_at, old_ends_at):
            changes.append("times")
        if old_meeting_point is not None and slot.meeting_point != old_meeting_point:
            changes.append("meeting point")
        if old_locality is not None and slot.locality != old_locality:
            changes.append("locality")
        if changes:
            for booking in Booking.objects.filter(slot=slot, status=Booking.Status.CONFIRMED).select_related(
                "user"
            ):
                booking.slot = slot
                booking.ics_sequence += 1
                booking.save(update_fields=["ics_sequence", "updated_at"])
                _record(
                    booking,
                    action=f"slot {' and '.join(changes)} changed",
                    from_status=booking.status,
                    actor=actor,
                    by_ld=True,
                    at=now,
                )
                notifications.booking_updated(booking=booking)
        _offer_free_places(slot=slot, now=now)


def slot_propose(
    *,
    user,
    week: PracticeWeek,
    team: Team,
    activity: str,
    description: str,
    locality: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    meeting_point: str,
    access_notes: str = "",
) -> Slot:
    """A host offers a slot for their own team; it opens once L&D approve it."""
    home_team = user_home_team(user=user)
    if not (user_is_ld(user=user) or (home_team is not None and home_team.pk == team.pk)):
        raise BookingRefused("not_allowed", "You can only propose slots for your own team.")
    if ends_at <= starts_at:
        raise BookingRefused("times", "The slot must end after it starts.")
    if not (week.starts_on <= timezone.localtime(starts_at).date() <= week.ends_on):
        raise BookingRefused("times", f"The slot must fall within {week.name}.")
    with transaction.atomic():
        slot = Slot.objects.create(
            week=week,
            host_team=team,
            activity=activity,
            description=description,
            locality=locality or team.locality,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            meeting_point=meeting_point,
            access_notes=access_notes,
            status=Slot.Status.PROPOSED,
            proposed_by=user,
        )
        slot.hosts.add(user)
    return slot


def slot_review(*, slot_id: int, actor, approve: bool, note: str = "") -> Slot:
    """L&D approve (open for booking) or decline a host's proposed slot."""
    if not user_is_ld(user=actor):
        raise BookingRefused("not_allowed", "Only the L&D team can approve slots.")
    with transaction.atomic():
        slot = _slot_locked(slot_id)
        if slot is None or slot.status != Slot.Status.PROPOSED:
            raise BookingRefused("not_found", "That slot is not awaiting approval.")
        slot.status = Slot.Status.APPROVED if approve else Slot.Status.DECLINED
        slot.save(update_fields=["status", "updated_at"])
        notifications.slot_review(slot=slot, approved=approve, note=note)
    return slot


class SlotImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


SLOT_CSV_COLUMNS = ["team", "activity", "date", "start", "end", "capacity", "meeting_point"]
SLOT_CSV_OPTIONAL = ["locality", "hosts", "description", "access_notes"]
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _parse_date(text: str) -> dt.date | None:
    try:
        return csv_date(text)
    except ValueError:
        return None


def slots_import_csv(*, week: PracticeWeek, data: bytes, actor) -> list[Slot]:
    """Create open slots from a CSV file: all or nothing, every bad line reported by number.

    Columns: team (slug or name), activity (code or label), date (YYYY-MM-DD or DD/MM/YYYY),
    start and end (HH:MM, Europe/London), capacity, meeting_point; optional locality
    (defaults to the team's), hosts (emails separated by ";"), description, access_notes.
    """
    if not user_is_ld(user=actor):
        raise SlotImportError(["Only the L&D team can upload slots."])
    try:
        text = csv_text(data, max_bytes=conf.CSV_MAX_BYTES)
    except CsvRefused as error:
        raise SlotImportError([str(error)]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise SlotImportError([f"Line 1: the file could not be read as CSV ({error})."]) from None
    missing = [column for column in SLOT_CSV_COLUMNS if column not in header]
    if missing:
        raise SlotImportError(
            [
                f"Line 1: missing column(s): {', '.join(missing)}. Expected: "
                f"{', '.join(SLOT_CSV_COLUMNS + SLOT_CSV_OPTIONAL)}."
            ]
        )
    reader.fieldnames = header
    teams = {team.slug.lower(): team for team in Team.objects.all()}
    teams.update({team.name.lower(): team for team in teams.values()})
    activities = {value: value for value, _ in Activity.choices}
    activities.update({label.lower(): value for value, label in Activity.choices})
    tz = timezone.get_current_timezone()
    errors: list[str] = []
    rows: list[tuple[dict, list[str]]] = []
    try:
        for row in reader:
            line = reader.line_num
            if len(rows) + len(errors) >= conf.CSV_MAX_ROWS:
                errors.append(f"Line {line}: too many rows (the limit is {conf.CSV_MAX_ROWS}).")
                break
            values = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
            if None in row:
                errors.append(f"Line {line}: more values than columns.")
                continue
            if not any(values.values()):
                continue
            problems = []
            team = teams.get(values.get("team", "").lower())
            if team is None:
                problems.append(f"team “{values.get('team', '')}” not found")
            activity = activities.get(values.get("activity", "").lower())
            if activity is None:
                problems.append(
                    f"activity “{values.get('activity', '')}” is not one of: "
                    + ", ".join(label for _, label in Activity.choices)
                )
            day = _parse_date(values.get("date", ""))
            if day is None:
                problems.append(f"date “{values.get('date', '')}” is not a date (use YYYY-MM-DD)")
            elif not week.starts_on <= day <= week.ends_on:
                problems.append(f"date {day:%Y-%m-%d} is outside {week.name}")
            start = _TIME.match(values.get("start", ""))
            end = _TIME.match(values.get("end", ""))
            if not start:
                problems.append(f"start “{values.get('start', '')}” is not a time (use HH:MM)")
            if not end:
                problems.append(f"end “{values.get('end', '')}” is not a time (use HH:MM)")
            starts_at = ends_at = None
            if day and start and end:
                starts_at = dt.datetime(day.year, day.month, day.day, int(start[1]), int(start[2]), tzinfo=tz)
                ends_at = dt.datetime(day.year, day.month, day.day, int(end[1]), int(end[2]), tzinfo=tz)
                if ends_at <= starts_at:
                    problems.append("end must be after start")
            capacity_text = values.get("capacity", "")
            capacity = int(capacity_text) if capacity_text.isdigit() else 0
            if not 1 <= capacity <= 50:
                problems.append(f"capacity “{capacity_text}” must be a whole number from 1 to 50")
            if not values.get("meeting_point"):
                problems.append("meeting_point is empty")
            if len(values.get("meeting_point", "")) > 1000 or len(values.get("description", "")) > 2000:
                problems.append("a text column is too long")
            host_emails = [
                email.strip().lower() for email in values.get("hosts", "").split(";") if email.strip()
            ]
            for email in host_emails:
                try:
                    validate_email(email)
                except ValidationError:
                    problems.append(f"host “{email}” is not an email address")
            if problems:
                errors.append(f"Line {line}: " + "; ".join(problems) + ".")
                continue
            rows.append(
                (
                    {
                        "host_team": team,
                        "activity": activity,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "capacity": capacity,
                        "meeting_point": values["meeting_point"],
                        "locality": values.get("locality") or (team.locality if team else ""),
                        "description": values.get("description", ""),
                        "access_notes": values.get("access_notes", ""),
                        "line": line,
                    },
                    host_emails,
                )
            )
    except csv.Error as error:
        errors.append(f"Line {reader.line_num}: the file could not be read as CSV ({error}).")
    all_emails = {email for _, emails in rows for email in emails}
    hosts = {user.email.lower(): user for user in User.objects.filter(email__in=all_emails)}
    for values, emails in rows:
        unknown = [email for email in emails if email not in hosts]
        if unknown:
            errors.append(f"Line {values['line']}: host(s) not found: {', '.join(unknown)}.")
    if errors:
        raise SlotImportError(sorted(errors, key=lambda message: int(re.findall(r"\d+", message)[0])))
    if not rows:
        raise SlotImportError(["The file has no slots in it."])
    created = []
    with transaction.atomic():
        for values, emails in rows:
            values = {key: value for key, value in values.items() if key != "line"}
            slot = Slot.objects.create(week=week, status=Slot.Status.APPROVED, **values)
            slot.hosts.set([hosts[email] for email in emails])
            created.append(slot)
    return created


# --- hosts and afterwards ------------------------------------------------------------------


def attendance_record(*, slot_id: int, actor, marks: dict[int, str], now: dt.datetime | None = None) -> int:
    """A host (or L&D) records who attended a slot that has started. Returns how many changed."""
    now = now or timezone.now()
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None or not (user_hosts_slot(user=actor, slot=slot) or user_is_ld(user=actor)):
        raise BookingRefused("not_found", "We could not find that slot among the ones you host.")
    if slot.starts_at > now:
        raise BookingRefused("too_early", "Attendance can be recorded once the slot has started.")
    allowed = {value for value, _ in Booking.Attendance.choices}
    changed = 0
    with transaction.atomic():
        bookings = {
            b.pk: b
            for b in Booking.objects.select_for_update().filter(slot=slot, status=Booking.Status.CONFIRMED)
        }
        for booking_id, attendance in marks.items():
            booking = bookings.get(booking_id)
            if booking is None or attendance not in allowed:
                raise BookingRefused("invalid", "That attendance record does not match this slot's visitors.")
            if booking.attendance == attendance:
                continue
            booking.attendance = attendance
            booking.attendance_marked_by = actor
            booking.attendance_marked_at = now
            booking.save(
                update_fields=["attendance", "attendance_marked_by", "attendance_marked_at", "updated_at"]
            )
            _record(
                booking,
                action=f"attendance: {booking.get_attendance_display().lower()}",
                from_status=booking.status,
                actor=actor,
                at=now,
            )
            changed += 1
    return changed


def reflection_save(
    *, booking_id: int, user, text: str, themes: list[str], share_themes: bool, now: dt.datetime | None = None
) -> Reflection:
    """The shadower's private reflection on a visit that has taken place."""
    now = now or timezone.now()
    booking = Booking.objects.select_related("slot").filter(pk=booking_id, user_id=user.pk).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        raise BookingRefused("not_found", "We could not find that visit among your bookings.")
    if booking.slot.starts_at > now:
        raise BookingRefused("too_early", "You can write your reflection once the visit has taken place.")
    if booking.attendance == Booking.Attendance.ABSENT:
        raise BookingRefused("absent", "The host recorded that you did not attend this visit.")
    valid = {value for value, _ in Reflection.Theme.choices}
    if not set(themes) <= valid:
        raise BookingRefused("invalid", "Choose themes from the list.")
    if not text.strip():
        raise BookingRefused("empty", "Write your reflection.")
    reflection, _ = Reflection.objects.update_or_create(
        booking=booking,
        defaults={"text": text.strip(), "themes": sorted(set(themes)), "share_themes": share_themes},
    )
    return reflection


# --- periodic messages ----------------------------------------------------------------------


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Remind people of visits starting in the next 48 hours, once per booking and start time."""
    now = now or timezone.now()
    window_end = now + dt.timedelta(hours=conf.REMINDER_HOURS)
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        slot__status=Slot.Status.APPROVED,
        slot__starts_at__gt=now,
        slot__starts_at__lte=window_end,
    ).select_related("user", "slot", "slot__host_team")
    sent = 0
    for booking in due:
        key = f"reminder:{booking.pk}:{booking.slot.starts_at:%Y%m%dT%H%M%z}"
        with transaction.atomic():
            # Checked again at send time: a cancellation since the query wins.
            if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).exists():
                continue
            if message_claim(key=key):
                notifications.reminder(booking=booking)
                sent += 1
    return sent


def ld_digest_send(*, now: dt.datetime | None = None) -> int:
    """Once a day per running week, tell L&D what changed and how full the week is."""
    from django.urls import reverse

    from cms.core.email import absolute_url
    from practiceweek.selectors import grid_by_day_and_team

    now = now or timezone.now()
    today = timezone.localdate(now)
    recipients = sorted(
        set(
            User.objects.filter(is_active=True, groups__name__in=LD_GROUPS)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    sent = 0
    for week in PracticeWeek.objects.filter(signup_opens_at__lte=now, ends_on__gte=today):
        since = now - dt.timedelta(hours=24)
        events = BookingEvent.objects.filter(booking__slot__week=week, at__gt=since)
        grid = grid_by_day_and_team(week=week)
        slots = [slot for cell in grid.totals for slot in cell.slots]
        figures = {
            "new_confirmed": events.filter(to_status=Booking.Status.CONFIRMED).count(),
            "new_waitlisted": events.filter(to_status=Booking.Status.WAITLISTED).count(),
            "cancelled": events.filter(to_status=Booking.Status.CANCELLED).count(),
            "offers_expired": events.filter(to_status=Booking.Status.EXPIRED).count(),
            "confirmed": sum(cell.confirmed for cell in grid.totals),
            "capacity": sum(cell.capacity for cell in grid.totals),
            "offered": sum(cell.offered for cell in grid.totals),
            "waitlisted": sum(cell.waitlisted for cell in grid.totals),
            "proposed": Slot.objects.filter(week=week, status=Slot.Status.PROPOSED).count(),
            "full_slots": sum(1 for slot in slots if slot.places_held >= slot.capacity),
            "slots": len(slots),
        }
        context = {
            "week": {"name": week.name},
            "date": date_format(today, "l j F Y"),
            "figures": figures,
            "days": [
                {
                    "day": date_format(day, "l j F"),
                    "confirmed": cell.confirmed,
                    "capacity": cell.capacity,
                    "waitlisted": cell.waitlisted,
                }
                for day, cell in zip(grid.days, grid.totals, strict=True)
            ],
            "grid_url": absolute_url(reverse("practiceweek_admin:grid", args=[week.pk])),
        }
        with transaction.atomic():
            if recipients and message_claim(key=f"ld-digest:{week.pk}:{today:%Y-%m-%d}"):
                notifications.ld_digest(to=recipients, context=context)
                sent += 1
    return sent
