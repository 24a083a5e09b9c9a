"""The ballot: a reproducible lottery over the requests, drawn once when the ballot closes."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cms.people.models import User
from practiceweek import notifications
from practiceweek.models import (
    Booking,
    PracticeWeek,
    Slot,
)
from practiceweek.services.rules import (
    BookingRefused,
    _fmt,
    _quotas_locked,
    _record,
    _take_place,
    _users_locked,
)

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


def _settle(booking: Booking, status: str, *, action: str, actor: User | None, now: dt.datetime) -> None:
    """Move a requested booking to the ballot's outcome for it, and log the move."""
    booking.status = status
    booking.save()
    _record(booking, action=action, from_status=Booking.Status.REQUESTED, actor=actor, at=now)


def ballot_draw(*, week_id: int, actor: User | None = None, now: dt.datetime | None = None) -> BallotOutcome:
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
            _settle(booking, Booking.Status.CONFIRMED, action="ballot: place", actor=actor, now=now)
            results[booking.user_id][0].append(booking)
        for position, booking_id in enumerate(outcome.waitlist):
            booking = by_id[booking_id]
            booking.slot = slots[booking.slot_id]
            booking.queued_at = now + dt.timedelta(microseconds=position)
            _settle(booking, Booking.Status.WAITLISTED, action="ballot: waitlisted", actor=actor, now=now)
            results[booking.user_id][1].append(booking)
        for booking in requests:
            if booking.slot_id not in open_slots:
                booking.cancelled_at = now
                _settle(
                    booking,
                    Booking.Status.CANCELLED,
                    action="ballot: slot no longer open",
                    actor=None,
                    now=now,
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
