"""Practice-week pages: bookers' (`booking`), hosts' (`hosting`), L&D's admin screens (`admin`)."""

from practiceweek.views.booking import (
    booking_cancel,
    booking_invite,
    index,
    my_bookings,
    offer_respond,
    reflection,
    slot_book,
    slot_detail,
)
from practiceweek.views.hosting import hosting, hosting_propose, hosting_slot

__all__ = [
    "booking_cancel",
    "booking_invite",
    "hosting",
    "hosting_propose",
    "hosting_slot",
    "index",
    "my_bookings",
    "offer_respond",
    "reflection",
    "slot_book",
    "slot_detail",
]
