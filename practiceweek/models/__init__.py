"""Practice week: the week, its slots, bookings (with waitlist and offers), and what follows.

Integrity lives in the database as well as in `practiceweek.services`:

- `Slot.places_held` counts confirmed bookings plus outstanding offers. It only
  changes inside a transaction that holds the slot row lock, and a CHECK
  constraint keeps it between 0 and the capacity: an overbooking or a second
  offer for one freed place would violate it and roll the transaction back.
- A partial unique constraint allows one active booking (requested, confirmed,
  waitlisted or offered) per person and slot.
"""

from practiceweek.models.bookings import Booking, BookingEvent
from practiceweek.models.reflections import Reflection
from practiceweek.models.slots import Activity, Slot
from practiceweek.models.weeks import AgencyQuota, PracticeWeek, _ballot_seed

__all__ = [
    "Activity",
    "AgencyQuota",
    "Booking",
    "BookingEvent",
    "PracticeWeek",
    "Reflection",
    "Slot",
    "_ballot_seed",
]
