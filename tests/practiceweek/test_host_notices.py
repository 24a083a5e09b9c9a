"""Hosts are told when L&D move their slot, as bookers are: once per change, never twice."""

import datetime as dt

import pytest

from cms.core.models import MessageSent
from practiceweek.models import Slot
from practiceweek.services import slot_change_hosts_tell, slot_changed
from tests.practiceweek.factories import PracticeWeekFactory, host_of, ld_user, senior_manager, slot_at

pytestmark = pytest.mark.django_db


def _move(slot: Slot, *, hours: int = 0, meeting_point: str | None = None) -> None:
    """L&D edit the slot in the admin (the viewset's order: save, then slot_changed with the old values)."""
    old = Slot.objects.filter(pk=slot.pk).values("starts_at", "ends_at", "meeting_point", "locality").get()
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=old["starts_at"] + dt.timedelta(hours=hours),
        ends_at=old["ends_at"] + dt.timedelta(hours=hours),
        meeting_point=meeting_point if meeting_point is not None else old["meeting_point"],
    )
    slot_changed(
        slot_id=slot.pk,
        actor=ld_user(),
        old_starts_at=old["starts_at"],
        old_ends_at=old["ends_at"],
        old_status="approved",
        old_meeting_point=old["meeting_point"],
        old_locality=old["locality"],
    )


def _to(outbox, user):
    return [message for message in outbox if user.email in message.to]


def test_a_host_is_emailed_the_new_time_when_l_and_d_move_their_slot(sent):
    """A home visit moves from 10:00 to 11:00: the practitioner being shadowed hears of it."""
    slot = slot_at(PracticeWeekFactory(), hour=10)
    host = host_of(slot)
    with sent() as outbox:
        _move(slot, hours=1)
    (message,) = _to(outbox, host)
    assert message.subject.startswith("Changed: Home visit you host")
    assert "times" in message.body
    assert "11:00" in message.body or "11am" in message.body.replace(" ", "").lower()
    assert "/practice-week/hosting/" in message.body


def test_a_new_meeting_point_is_told_to_hosts_and_the_proposer(sent):
    """The team member who proposed the slot is told too, once, even when also a named host."""
    slot = slot_at(PracticeWeekFactory())
    host, other_host = host_of(slot), host_of(slot)
    Slot.objects.filter(pk=slot.pk).update(proposed_by=host)
    with sent() as outbox:
        _move(slot, meeting_point="Banbury office, second floor")
    assert len(_to(outbox, host)) == 1
    assert len(_to(outbox, other_host)) == 1
    assert "meeting point" in _to(outbox, host)[0].body


def test_the_same_change_told_again_sends_nothing_and_a_later_change_is_told(sent):
    """A retried task (or a second worker) finds the key in the ledger; a further move is a new message."""
    slot = slot_at(PracticeWeekFactory(), hour=10)
    host = host_of(slot)
    with sent() as outbox:
        _move(slot, hours=1)
    assert len(_to(outbox, host)) == 1
    with sent() as outbox:
        assert slot_change_hosts_tell(slot_id=slot.pk, changes=["times"]) == 0
        _move(slot, hours=1)
    assert len(_to(outbox, host)) == 2
    assert MessageSent.objects.filter(kind="slot-changed", user=host).count() == 2


def test_bookers_still_get_their_update_and_an_unchanged_save_tells_nobody(sent):
    slot = slot_at(PracticeWeekFactory())
    host = host_of(slot)
    manager = senior_manager()
    from practiceweek.services import booking_create

    booking_create(user=manager, slot_id=slot.pk, agreed=True)
    with sent() as outbox:
        _move(slot)  # saved with nothing changed
    assert _to(outbox, host) == []
    with sent() as outbox:
        _move(slot, hours=2)
    assert len(_to(outbox, host)) == 1
    assert any(message.subject.startswith("Changed:") for message in _to(outbox, manager))


def test_a_withdrawn_or_unknown_slot_tells_no_host(sent):
    slot = slot_at(PracticeWeekFactory())
    host_of(slot)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.WITHDRAWN)
    with sent() as outbox:
        assert slot_change_hosts_tell(slot_id=slot.pk, changes=["times"]) == 0
        assert slot_change_hosts_tell(slot_id=999_999, changes=["times"]) == 0
    assert outbox == []
