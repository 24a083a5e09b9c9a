"""Ballot mode: requests until the closing time, then a seeded, reproducible lottery."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from practiceweek.models import AgencyQuota, Booking, PracticeWeek
from practiceweek.services import BallotRequest, BookingRefused, ballot_allocate, ballot_draw, booking_create
from tests.cms.people.factories import AgencyFactory
from tests.practiceweek.factories import PracticeWeekFactory, senior_manager, slot_at

T0 = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)


def _times(count: int) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    # Slots 0-3 on day one, two pairs overlapping (0 with 1, 2 with 3); the rest on later days.
    times = {}
    for slot_id in range(count):
        start = T0 + dt.timedelta(days=slot_id // 4, hours=(slot_id % 4) // 2 * 3, minutes=(slot_id % 2) * 30)
        times[slot_id] = (start, start + dt.timedelta(hours=1))
    return times


def _requests(pairs: list[tuple[int, int]], agency_of=lambda user_id: user_id % 3) -> list[BallotRequest]:
    return [
        BallotRequest(booking_id=index, user_id=user_id, agency_id=agency_of(user_id), slot_id=slot_id)
        for index, (user_id, slot_id) in enumerate(pairs)
    ]


def test_the_same_seed_gives_the_same_result_and_other_seeds_differ():
    """Re-running the draw with its seed reproduces it exactly; the seed really drives the lottery."""
    pairs = [(user, slot) for user in range(30) for slot in (user % 5, (user + 2) % 5)]
    arguments = {
        "requests": _requests(pairs),
        "free_places": dict.fromkeys(range(5), 2),
        "slot_times": _times(5),
        "quotas": {},
        "limit": 2,
    }
    first = ballot_allocate(seed="practice-2026", **arguments)
    assert ballot_allocate(seed="practice-2026", **arguments) == first
    assert (
        ballot_allocate(
            seed="practice-2026", **{**arguments, "requests": list(reversed(arguments["requests"]))}
        )
        == first
    )
    others = {tuple(ballot_allocate(seed=f"seed-{n}", **arguments).confirmed) for n in range(5)}
    assert len(others) > 1


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 14), st.integers(0, 7)), max_size=60, unique=True),
    capacity=st.integers(1, 3),
    limit=st.integers(1, 3),
    quota=st.integers(0, 6),
    seed=st.text(max_size=8),
)
def test_the_lottery_respects_capacity_quotas_clashes_and_the_limit(pairs, capacity, limit, quota, seed):
    requests = _requests(pairs)
    times = _times(8)
    outcome = ballot_allocate(
        seed=seed,
        requests=requests,
        free_places=dict.fromkeys(range(8), capacity),
        slot_times=times,
        quotas={0: quota},
        limit=limit,
    )
    by_id = {request.booking_id: request for request in requests}
    won = [by_id[booking_id] for booking_id in outcome.confirmed]
    assert sorted(outcome.confirmed + outcome.waitlist) == sorted(by_id)
    for slot in range(8):
        assert sum(1 for r in won if r.slot_id == slot) <= capacity
    assert sum(1 for r in won if r.agency_id == 0) <= quota
    for user in {r.user_id for r in won}:
        mine = [times[r.slot_id] for r in won if r.user_id == user]
        assert len(mine) <= limit
        for index, (start, end) in enumerate(mine):
            assert all(not (s < end and e > start) for s, e in mine[index + 1 :])


@pytest.fixture
def ballot_week():
    return PracticeWeekFactory(
        allocation=PracticeWeek.Allocation.BALLOT,
        ballot_closes_at=timezone.now() + dt.timedelta(days=2),
        ballot_seed="fixed-seed",
    )


@pytest.mark.django_db
def test_requests_are_collected_then_drawn_with_results_by_email(ballot_week, sent):
    """Six managers ask for a two-place slot; at the close two are confirmed, four waitlisted, all told."""
    police = AgencyFactory(name="Police", slug="police-ballot")
    AgencyQuota.objects.create(week=ballot_week, agency=police, max_places=1)
    slot = slot_at(ballot_week, capacity=2)
    managers = [senior_manager(agency=police) for _ in range(3)] + [senior_manager() for _ in range(3)]
    for manager in managers:
        assert booking_create(user=manager, slot_id=slot.pk, agreed=True).status == Booking.Status.REQUESTED
    with pytest.raises(BookingRefused) as caught:
        ballot_draw(week_id=ballot_week.pk)
    assert caught.value.code == "ballot_open"
    with time_machine.travel(ballot_week.ballot_closes_at + dt.timedelta(minutes=1), tick=False):
        with pytest.raises(BookingRefused) as caught:
            booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
        assert caught.value.code == "ballot_pending"
        with sent() as outbox:
            outcome = ballot_draw(week_id=ballot_week.pk)
    statuses = dict(Booking.objects.filter(slot=slot).values_list("user_id", "status"))
    confirmed = [user for user, status in statuses.items() if status == "confirmed"]
    assert len(confirmed) == 2 and len(outcome.waitlist) == 4
    assert sum(1 for m in managers[:3] if m.pk in confirmed) <= 1, "police quota of one respected"
    slot.refresh_from_db()
    assert slot.places_held == 2
    results = [m for m in outbox if m.subject == "Your practice week ballot result"]
    assert sorted(m.to[0] for m in results) == sorted(m.email for m in managers)
    winners = [m for m in results if m.attachments]
    assert len(winners) == 2
    with pytest.raises(BookingRefused):
        ballot_draw(week_id=ballot_week.pk)


@pytest.mark.django_db
def test_the_draw_is_reproducible_on_the_database(ballot_week):
    """Drawing, resetting and drawing again with the same seed gives the same people the same places."""
    slots = [slot_at(ballot_week, day=day, capacity=1) for day in range(3)]
    managers = [senior_manager() for _ in range(6)]
    for index, manager in enumerate(managers):
        for slot in (slots[index % 3], slots[(index + 1) % 3]):
            booking_create(user=manager, slot_id=slot.pk, agreed=True)
    later = ballot_week.ballot_closes_at + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        ballot_draw(week_id=ballot_week.pk)
        first = sorted(Booking.objects.filter(status="confirmed").values_list("user_id", "slot_id"))
        Booking.objects.update(status="requested")
        for slot in slots:
            type(slot).objects.filter(pk=slot.pk).update(places_held=0)
        PracticeWeek.objects.filter(pk=ballot_week.pk).update(ballot_drawn_at=None)
        ballot_draw(week_id=ballot_week.pk)
        assert sorted(Booking.objects.filter(status="confirmed").values_list("user_id", "slot_id")) == first
