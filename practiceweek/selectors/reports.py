"""L&D's figures: the fill grid, a slot's roster, attendance and shared reflection themes."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cms.people.models import Team
from practiceweek.models import Booking, PracticeWeek, Reflection, Slot
from practiceweek.selectors.weeks import week_days

# Themes are shown to L&D only when at least this many people shared them: smaller
# counts could point to a person.
THEMES_MIN_GROUP = 3


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
