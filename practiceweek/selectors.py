"""Reads for practice week: who may do what, what there is to book, and the L&D figures.

Who may do what (decided here, documented in docs/practice-week.md):

- book: active people in the Senior managers group or with the senior-manager role
  (council and partner agencies alike), L&D (editors and leads) and superusers;
  a leaver (inactive staff profile) may not.
- host a slot: the practitioners named on it, and the members of its host team.
- run the week (allocate, override, reports): the `practiceweek.run_practice_week`
  permission, which L&D groups hold; superusers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cms.core.selectors import group_names_of
from cms.people import roles
from cms.people.models import StaffProfile, Team
from cms.people.selectors import is_learning_and_development
from practiceweek.models import Activity, Booking, PracticeWeek, Reflection, Slot

# Themes are shown to L&D only when at least this many people shared them: smaller
# counts could point to a person.
THEMES_MIN_GROUP = 3


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _profile(user) -> StaffProfile | None:
    if not hasattr(user, "_practiceweek_profile"):
        user._practiceweek_profile = (
            StaffProfile.objects.select_related("role", "team", "agency").filter(user=user).first()
        )
    return user._practiceweek_profile


def _group_names(user) -> frozenset[str]:
    return group_names_of(user)


def user_is_ld(*, user) -> bool:
    """Who runs the week: L&D (cms.people's one answer: superusers and the L&D groups), and anyone
    else given the run_practice_week permission."""
    if not _signed_in(user):
        return False
    return is_learning_and_development(user=user) or user.has_perm("practiceweek.run_practice_week")


def user_can_book(*, user) -> bool:
    """Senior managers (group or role), L&D and superusers; never a leaver."""
    if not _signed_in(user):
        return False
    profile = _profile(user)
    if profile is not None and not profile.active:
        return False
    # The role first: it comes with the profile already read, so most bookers cost no group query.
    if profile and profile.role and profile.role.slug == roles.SENIOR_MANAGER:
        return True
    if roles.GROUP_SENIOR_MANAGERS in _group_names(user):
        return True
    return user_is_ld(user=user)


def hosted_slots(*, user) -> QuerySet[Slot]:
    """Slots the person hosts: named on them, or a member of the host team."""
    if not _signed_in(user):
        return Slot.objects.none()
    profile = _profile(user)
    condition = Q(hosts=user)
    if profile is not None and profile.active and profile.team_id:
        condition |= Q(host_team_id=profile.team_id)
    return Slot.objects.filter(condition).distinct()


def user_hosts_slot(*, user, slot: Slot) -> bool:
    return hosted_slots(user=user).filter(pk=slot.pk).exists()


def user_is_host(*, user) -> bool:
    return hosted_slots(user=user).filter(status=Slot.Status.APPROVED).exists()


def user_home_team(*, user) -> Team | None:
    profile = _profile(user)
    return profile.team if profile is not None and profile.active else None


def user_agency_id(*, user) -> int | None:
    profile = _profile(user)
    return profile.agency_id if profile is not None else None


def week_current(*, today: dt.date | None = None) -> PracticeWeek | None:
    """The next or running practice week; the most recent one when none is ahead."""
    today = today or timezone.localdate()
    upcoming = PracticeWeek.objects.filter(ends_on__gte=today).order_by("starts_on").first()
    return upcoming or PracticeWeek.objects.order_by("-starts_on").first()


def week_days(*, week: PracticeWeek) -> list[dt.date]:
    days = []
    day = week.starts_on
    while day <= week.ends_on:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def signup_state(*, week: PracticeWeek, now: dt.datetime | None = None) -> str:
    """One of: not_open, ballot (requests being collected), ballot_pending, open, closed."""
    now = now or timezone.now()
    if now < week.signup_opens_at:
        return "not_open"
    if now >= week.signup_closes_at:
        return "closed"
    if week.is_ballot and week.ballot_drawn_at is None:
        return "ballot" if week.ballot_closes_at and now < week.ballot_closes_at else "ballot_pending"
    return "open"


@dataclass
class SlotFilters:
    day: dt.date | None = None
    locality: str = ""
    activity: str = ""
    availability: str = ""  # "", "places" (places left) or "full" (waitlist only)


def slots_browse(*, week: PracticeWeek, filters: SlotFilters | None = None) -> list[Slot]:
    """Open slots of the week, filtered, in time order, with the waitlist length."""
    filters = filters or SlotFilters()
    slots = (
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .select_related("host_team")
        .annotate(waitlist_length=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)))
        .order_by("starts_at", "host_team__name", "pk")
    )
    if filters.locality:
        slots = slots.filter(locality=filters.locality)
    if filters.activity:
        slots = slots.filter(activity=filters.activity)
    result: list[Slot] = list(slots)
    if filters.day:
        result = [slot for slot in result if timezone.localtime(slot.starts_at).date() == filters.day]
    if filters.availability == "places":
        result = [slot for slot in result if slot.places_left > 0]
    elif filters.availability == "full":
        result = [slot for slot in result if slot.places_left == 0]
    return result


def slot_localities(*, week: PracticeWeek) -> list[str]:
    return list(
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .order_by("locality")
        .values_list("locality", flat=True)
        .distinct()
    )


def slot_activities(*, week: PracticeWeek) -> list[tuple[str, str]]:
    present = set(
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .values_list("activity", flat=True)
        .distinct()
    )
    return [(value, label) for value, label in Activity.choices if value in present]


def slots_by_day(*, week: PracticeWeek, slots: list[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    grouped: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        grouped[timezone.localtime(slot.starts_at).date()].append(slot)
    return [(day, grouped.get(day, [])) for day in week_days(week=week)]


def slot_for_booking(*, slot_id: int) -> Slot | None:
    """An open slot, or None (a forged or unpublished id reads as missing)."""
    return (
        Slot.objects.filter(pk=slot_id, status=Slot.Status.APPROVED)
        .select_related("week", "host_team", "host_team__agency", "week__prerequisite_module")
        .annotate(waitlist_length=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)))
        .first()
    )


def booking_active_for(*, user, slot: Slot) -> Booking | None:
    if not _signed_in(user):
        return None
    return Booking.objects.filter(user=user, slot=slot, status__in=Booking.ACTIVE).first()


def waitlist_position(*, booking: Booking) -> int | None:
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(slot_id=booking.slot_id, status=Booking.Status.WAITLISTED).filter(
        Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def bookings_of(*, user, week: PracticeWeek | None = None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(user=user).select_related(
        "slot", "slot__host_team", "slot__week", "reflection"
    )
    if week is not None:
        bookings = bookings.filter(slot__week=week)
    return bookings.order_by("slot__starts_at", "pk")


def booking_of(*, user, booking_id: int) -> Booking | None:
    """The person's own booking, or None (other people's ids read as missing)."""
    return (
        Booking.objects.filter(pk=booking_id, user=user)
        .select_related("slot", "slot__host_team", "slot__week")
        .first()
    )


def host_slots_with_visitors(*, user, week: PracticeWeek | None = None) -> list[Slot]:
    """The host's open slots with their confirmed visitors (name, role, agency, agreement)."""
    confirmed = Booking.objects.filter(status=Booking.Status.CONFIRMED).select_related(
        "user", "user__profile", "user__profile__role", "agency"
    )
    slots = (
        hosted_slots(user=user)
        .filter(status__in=[Slot.Status.APPROVED, Slot.Status.PROPOSED])
        .select_related("week", "host_team")
        .prefetch_related(Prefetch("bookings", queryset=confirmed, to_attr="visitors"), "hosts")
        .order_by("starts_at")
    )
    if week is not None:
        slots = slots.filter(week=week)
    return list(slots)


@dataclass
class GridCell:
    slots: list[Slot] = field(default_factory=list)

    @property
    def capacity(self) -> int:
        return sum(slot.capacity for slot in self.slots)

    @property
    def confirmed(self) -> int:
        return sum(getattr(slot, "confirmed_count", 0) for slot in self.slots)

    @property
    def offered(self) -> int:
        return sum(getattr(slot, "offered_count", 0) for slot in self.slots)

    @property
    def waitlisted(self) -> int:
        return sum(getattr(slot, "waitlist_length", 0) for slot in self.slots)

    @property
    def fill_percent(self) -> int:
        return round(100 * self.confirmed / self.capacity) if self.capacity else 0

    @property
    def level(self) -> str:
        """A word for the fill level, so it reads without colour."""
        if not self.capacity:
            return ""
        if self.confirmed >= self.capacity:
            return "Full"
        if self.fill_percent >= 50:
            return "Filling"
        return "Places free" if self.confirmed else "Empty"


@dataclass
class Grid:
    days: list[dt.date]
    rows: list[tuple[Team, list[GridCell]]]
    totals: list[GridCell]


def grid_by_day_and_team(*, week: PracticeWeek) -> Grid:
    """Open slots by host team (rows) and day (columns), with confirmed, offered and waitlisted counts."""
    days = week_days(week=week)
    slots = list(
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .select_related("host_team")
        .annotate(
            confirmed_count=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
            offered_count=Count("bookings", filter=Q(bookings__status=Booking.Status.OFFERED)),
            waitlist_length=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )
        .order_by("host_team__name", "starts_at")
    )
    index = {day: position for position, day in enumerate(days)}
    rows: dict[int, tuple[Team, list[GridCell]]] = {}
    totals = [GridCell() for _ in days]
    for slot in slots:
        position = index.get(timezone.localtime(slot.starts_at).date())
        if position is None:
            continue
        team_row = rows.setdefault(slot.host_team_id, (slot.host_team, [GridCell() for _ in days]))
        team_row[1][position].slots.append(slot)
        totals[position].slots.append(slot)
    return Grid(days=days, rows=sorted(rows.values(), key=lambda row: row[0].name), totals=totals)


def slot_roster(*, slot_id: int) -> Slot | None:
    """A slot with every booking in waitlist order and each booking's history (L&D view)."""
    bookings = Booking.objects.select_related("user", "agency", "user__profile__role").prefetch_related(
        "events", "events__actor"
    )
    return (
        Slot.objects.filter(pk=slot_id)
        .select_related("week", "host_team")
        .prefetch_related(
            Prefetch("bookings", queryset=bookings.order_by("queued_at", "pk"), to_attr="roster")
        )
        .first()
    )


def attendance_rows(*, week: PracticeWeek | None = None) -> QuerySet[Booking]:
    """Confirmed places on slots that have started: who attended, who did not, who is unrecorded."""
    rows = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, slot__starts_at__lte=timezone.now()
    ).select_related("user", "agency", "slot", "slot__host_team", "slot__week", "user__profile__role")
    if week is not None:
        rows = rows.filter(slot__week=week)
    return rows.order_by("slot__starts_at", "user__last_name")


def attendance_summary(*, week: PracticeWeek | None = None) -> list[dict]:
    """Attendance by agency: attended, did not attend, not recorded."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for agency_name, attendance in attendance_rows(week=week).values_list("agency__name", "attendance"):
        counts[agency_name or "No agency"][attendance or "unrecorded"] += 1
    return [
        {
            "agency": name,
            "attended": counter["attended"],
            "absent": counter["absent"],
            "unrecorded": counter["unrecorded"],
            "total": sum(counter.values()),
        }
        for name, counter in sorted(counts.items())
    ]


def reflection_themes(*, week: PracticeWeek | None = None) -> dict:
    """Anonymised themes from reflections whose authors agreed to share them.

    Only counts leave this function, and only when at least THEMES_MIN_GROUP people shared.
    """
    shared = Reflection.objects.filter(share_themes=True)
    if week is not None:
        shared = shared.filter(booking__slot__week=week)
    theme_lists = list(shared.values_list("themes", flat=True))
    if len(theme_lists) < THEMES_MIN_GROUP:
        return {"shared": len(theme_lists), "shown": False, "themes": []}
    counter: Counter = Counter()
    for themes in theme_lists:
        counter.update(set(themes))
    labels = dict(Reflection.Theme.choices)
    return {
        "shared": len(theme_lists),
        "shown": True,
        "themes": [{"label": labels[key], "count": counter[key]} for key in labels if counter[key]],
    }


def learning_record_visits(*, user) -> list[Booking]:
    """Confirmed practice-week visits for the person's learning record, with attendance and reflection."""
    return list(
        Booking.objects.filter(user=user, status=Booking.Status.CONFIRMED)
        .select_related("slot", "slot__host_team", "slot__week", "reflection")
        .order_by("-slot__starts_at")
    )
