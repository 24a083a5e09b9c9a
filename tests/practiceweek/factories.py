"""Factories for practice week: weeks, slots and the people who book and host them."""

import datetime as dt

import factory
from django.utils import timezone

from cms.people import roles
from practiceweek.models import Activity, Booking, PracticeWeek, Slot
from tests.cms.people.factories import AgencyFactory, TeamFactory, UserFactory, staff_member


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


class PracticeWeekFactory(factory.django.DjangoModelFactory):
    """A week two weeks ahead with sign-up open now."""

    class Meta:
        model = PracticeWeek

    name = factory.Sequence(lambda n: f"Practice week {n}")
    slug = factory.Sequence(lambda n: f"practice-week-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda week: week.starts_on + dt.timedelta(days=4))
    signup_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    signup_closes_at = factory.LazyAttribute(lambda week: _local(week.starts_on - dt.timedelta(days=2), 17))
    cancellation_cutoff_hours = 48
    max_bookings_per_person = 2
    offer_hours = 24
    confidentiality_agreement = "What you see and hear about families stays confidential."


class SlotFactory(factory.django.DjangoModelFactory):
    """A one-place home visit on the week's first day, 10:00 to 11:30."""

    class Meta:
        model = Slot
        skip_postgeneration_save = True

    week = factory.SubFactory(PracticeWeekFactory)
    host_team = factory.SubFactory(TeamFactory)
    activity = Activity.HOME_VISIT
    locality = factory.LazyAttribute(lambda slot: slot.host_team.locality)
    starts_at = factory.LazyAttribute(lambda slot: _local(slot.week.starts_on, 10))
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + dt.timedelta(minutes=90))
    capacity = 1
    meeting_point = "Reception, Oxford City office"
    access_notes = "Step-free access."
    status = Slot.Status.APPROVED

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.hosts.set(extracted)


def slot_at(week: PracticeWeek, *, day: int = 0, hour: int = 10, minutes: int = 90, **fields) -> Slot:
    starts_at = _local(week.starts_on + dt.timedelta(days=day), hour)
    return SlotFactory(
        week=week, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes), **fields
    )


def senior_manager(*, agency=None, **user_fields):
    """A senior manager (role and group) of the given agency."""
    team = TeamFactory(agency=agency) if agency is not None else TeamFactory()
    return staff_member(role=roles.SENIOR_MANAGER, team=team, **user_fields)


def learner(**user_fields):
    return staff_member(role=roles.SOCIAL_WORKER, **user_fields)


def host_of(slot: Slot, **user_fields):
    """A practitioner in the slot's host team, named on the slot."""
    user = staff_member(role=roles.SOCIAL_WORKER, team=slot.host_team, **user_fields)
    slot.hosts.add(user)
    return user


def ld_user(**user_fields):
    return staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, **user_fields)


def booking_direct(*, slot: Slot, user, status: str = Booking.Status.CONFIRMED, **fields) -> Booking:
    """A booking written straight to the database (keeps places_held in step), for arranging scenes."""
    from django.db.models import F

    profile = getattr(user, "profile", None)
    booking = Booking.objects.create(
        slot=slot,
        user=user,
        agency=profile.agency if profile else None,
        status=status,
        queued_at=fields.pop("queued_at", timezone.now()),
        agreed_at=timezone.now(),
        **fields,
    )
    if status in Booking.HELD:
        Slot.objects.filter(pk=slot.pk).update(places_held=F("places_held") + 1)
        slot.refresh_from_db()
    return booking


__all__ = [
    "AgencyFactory",
    "PracticeWeekFactory",
    "SlotFactory",
    "TeamFactory",
    "UserFactory",
    "booking_direct",
    "host_of",
    "ld_user",
    "learner",
    "senior_manager",
    "slot_at",
]
