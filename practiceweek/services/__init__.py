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
The locks and rules live in `rules`; each other module is one sub-domain.

Messages are queued with `transaction.on_commit` (practiceweek.notifications).
"""

from practiceweek.services.ballot import (
    BallotOutcome,
    BallotRequest,
    ballot_allocate,
    ballot_draw,
    ballots_draw_due,
)
from practiceweek.services.booking import (
    booking_allocate,
    booking_cancel,
    booking_create,
    booking_waitlist_move_to_front,
    cancellation_deadline,
)
from practiceweek.services.hosting import (
    attendance_record,
    reflection_save,
    slot_change_hosts_tell,
    slot_change_stamp,
    slot_propose,
    slot_review,
)
from practiceweek.services.periodic import ld_digest_send, reminders_send_due
from practiceweek.services.rules import BookingRefused
from practiceweek.services.slots import (
    SLOT_CSV_COLUMNS,
    SLOT_CSV_OPTIONAL,
    SlotImportError,
    slot_changed,
    slots_import_csv,
)
from practiceweek.services.waitlist import offer_respond, offers_expire_due

__all__ = [
    "SLOT_CSV_COLUMNS",
    "SLOT_CSV_OPTIONAL",
    "BallotOutcome",
    "BallotRequest",
    "BookingRefused",
    "SlotImportError",
    "attendance_record",
    "ballot_allocate",
    "ballot_draw",
    "ballots_draw_due",
    "booking_allocate",
    "booking_cancel",
    "booking_create",
    "booking_waitlist_move_to_front",
    "cancellation_deadline",
    "ld_digest_send",
    "offer_respond",
    "offers_expire_due",
    "reflection_save",
    "reminders_send_due",
    "slot_change_hosts_tell",
    "slot_change_stamp",
    "slot_changed",
    "slot_propose",
    "slot_review",
    "slots_import_csv",
]
