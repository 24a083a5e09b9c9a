"""Signals cms.people sends so other apps can follow changes to people without cms.people importing them."""

from django.dispatch import Signal

# Sent after commit with `user_ids` (a list of User ids) whose placement (team, role, agency,
# line manager, start date) or active state changed, so learning can refresh their enrolments.
people_changed = Signal()
