"""The messages practice week sends, all built and sent by Celery after the change commits.

Two halves:

- Queueing (`booking_confirmed`, `booking_cancelled`, `offer_made`, ...): called by
  practiceweek.services inside the transaction that made the change. Each queues
  `practiceweek.tasks.send_booking_notice` after commit (cms.core.queue.task_queue_after_commit)
  with the booking's id and the few facts that must be as they were at the change (the
  calendar SEQUENCE, the offer round and expiry, the previous status). Nothing is built
  in the web request while the broker answers, nothing runs while the slot row is
  locked, and a rolled-back change queues nothing.
- Sending (`booking_notice_send`, run by the worker): loads the booking, builds the
  email and the .ics, and queues each email on Celery (cms.core.queue), so one failing
  recipient is retried on its own.

The package: `common` (the offer link, slot details, the one send), `queueing` (called by
services inside the transaction), `sending` (run by the worker) and `hosting` (hosts and
L&D). Callers import from here.
"""

from practiceweek.notifications.common import offer_token, offer_token_read, slot_details, when_text
from practiceweek.notifications.hosting import ld_digest, slot_changed_for_host, slot_review
from practiceweek.notifications.queueing import (
    ballot_result,
    booking_cancelled,
    booking_confirmed,
    booking_requested,
    booking_updated,
    booking_waitlisted,
    offer_expired,
    offer_made,
)
from practiceweek.notifications.sending import ballot_result_send, booking_notice_send, reminder

__all__ = [
    "ballot_result",
    "ballot_result_send",
    "booking_cancelled",
    "booking_confirmed",
    "booking_notice_send",
    "booking_requested",
    "booking_updated",
    "booking_waitlisted",
    "ld_digest",
    "offer_expired",
    "offer_made",
    "offer_token",
    "offer_token_read",
    "reminder",
    "slot_changed_for_host",
    "slot_details",
    "slot_review",
    "when_text",
]
