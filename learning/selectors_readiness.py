"""Readiness figures for L&D and leadership: shares complete, burn-up, heatmap, overdue, exports."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from learning.models import Enrolment, ModuleProgress, Programme
from learning.selectors_assignments import STATUS_LABELS, enrolment_status

BY_FIELDS = {
    "team": ("user__profile__team__name", "Team"),
    "role": ("user__profile__role__name", "Role"),
    "agency": ("user__profile__agency__name", "Agency"),
}


def required_enrolments(*, programme: Programme | None = None) -> QuerySet[Enrolment]:
    """Required learning that counts towards readiness: active people, live assignments."""
    enrolments = Enrolment.objects.filter(
        removed_on__isnull=True,
        assignment__active=True,
        assignment__required=True,
        user__is_active=True,
        user__profile__active=True,
    )
    if programme is not None:
        enrolments = enrolments.filter(assignment__programme=programme)
    return enrolments


@dataclass(frozen=True)
class ShareRow:
    label: str
    total: int
    complete: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0

    @property
    def bar_width(self) -> int:
        """Width of a 120-pixel bar."""
        return round(1.2 * self.percent)

    @property
    def band(self) -> str:
        """A shade for heatmap cells; the percentage is always printed too."""
        if self.percent >= 90:
            return "high"
        if self.percent >= 50:
            return "mid"
        return "low"


def readiness_by(*, by: str, programme: Programme | None, today: date) -> list[ShareRow]:
    """Share of required learning complete, grouped by team, role or agency (one query)."""
    field, _label = BY_FIELDS[by]
    rows = (
        required_enrolments(programme=programme)
        .values(field)
        .annotate(
            total=Count("id"),
            complete=Count("id", filter=Q(completed_at__isnull=False)),
            overdue=Count("id", filter=Q(completed_at__isnull=True, due_date__lt=today)),
        )
        .order_by(field)
    )
    return [
        ShareRow(
            label=row[field] or "Not set",
            total=row["total"],
            complete=row["complete"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


def readiness_totals(*, programme: Programme | None, today: date) -> ShareRow:
    totals = required_enrolments(programme=programme).aggregate(
        total=Count("id"),
        complete=Count("id", filter=Q(completed_at__isnull=False)),
        overdue=Count("id", filter=Q(completed_at__isnull=True, due_date__lt=today)),
    )
    return ShareRow(label="All", **totals)


@dataclass(frozen=True)
class BurnUp:
    """Cumulative completions by day against the target line to go-live, with a projection."""

    start: date
    go_live: date
    total: int
    points: list[tuple[date, int]]
    projected_at_go_live: int
    pace_per_week: float

    def target_on(self, day: date) -> float:
        span = (self.go_live - self.start).days or 1
        return self.total * min(1.0, max(0.0, (day - self.start).days / span))


def burn_up(*, programme: Programme, today: date, pace_window_days: int = 28) -> BurnUp:
    """Two queries: the total and first enrolment, then completions per day."""
    enrolments = required_enrolments(programme=programme)
    summary = enrolments.aggregate(total=Count("id"), first=Min("enrolled_on"))
    start = summary["first"] or today
    per_day = (
        enrolments.filter(completed_at__isnull=False)
        .annotate(day=TruncDate("completed_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    points: list[tuple[date, int]] = []
    running = 0
    recent = 0
    for row in per_day:
        running += row["n"]
        points.append((row["day"], running))
        if row["day"] > today - timedelta(days=pace_window_days):
            recent += row["n"]
    per_day_pace = recent / pace_window_days
    days_left = max(0, (programme.go_live_date - today).days)
    projected = min(summary["total"], round(running + per_day_pace * days_left))
    return BurnUp(
        start=min(start, today),
        go_live=programme.go_live_date,
        total=summary["total"],
        points=points,
        projected_at_go_live=projected,
        pace_per_week=round(per_day_pace * 7, 1),
    )


@dataclass(frozen=True)
class Heatmap:
    teams: list[str]
    modules: list[str]
    cells: dict[tuple[str, str], ShareRow]

    def rows(self) -> list[dict]:
        return [
            {"team": team, "cells": [self.cells.get((team, module)) for module in self.modules]}
            for team in self.teams
        ]


def team_module_heatmap(*, programme: Programme | None, today: date) -> Heatmap:
    rows = (
        required_enrolments(programme=programme)
        .values("user__profile__team__name", "module__title")
        .annotate(
            total=Count("id"),
            complete=Count("id", filter=Q(completed_at__isnull=False)),
            overdue=Count("id", filter=Q(completed_at__isnull=True, due_date__lt=today)),
        )
    )
    cells = {}
    for row in rows:
        team = row["user__profile__team__name"] or "No team"
        cells[(team, row["module__title"])] = ShareRow(
            label=team, total=row["total"], complete=row["complete"], overdue=row["overdue"]
        )
    return Heatmap(teams=sorted({t for t, _ in cells}), modules=sorted({m for _, m in cells}), cells=cells)


def overdue_list(*, programme: Programme | None, today: date, limit: int = 200) -> list[dict]:
    return list(
        required_enrolments(programme=programme)
        .filter(completed_at__isnull=True, due_date__lt=today)
        .values(
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__profile__team__name",
            "module__title",
            "due_date",
        )
        .order_by("due_date", "user__last_name")[:limit]
    )


MATRIX_HEADER = [
    "Name",
    "Email",
    "Team",
    "Role",
    "Agency",
    "Module",
    "Required",
    "Due",
    "Status",
    "Completed",
]


def person_module_matrix(*, programme: Programme | None, today: date) -> Iterator[list]:
    """Every person by every assigned module, for export: streamed from one query."""
    enrolments = Enrolment.objects.filter(
        removed_on__isnull=True, assignment__active=True, user__is_active=True, user__profile__active=True
    )
    if programme is not None:
        enrolments = enrolments.filter(assignment__programme=programme)
    started = ModuleProgress.objects.filter(user_id=OuterRef("user_id"), module_id=OuterRef("module_id"))
    rows = (
        enrolments.annotate(started=Exists(started))
        .order_by("user__last_name", "user__first_name", "user_id", "due_date")
        .values_list(
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__profile__team__name",
            "user__profile__role__name",
            "user__profile__agency__name",
            "module__title",
            "assignment__required",
            "due_date",
            "completed_at",
            "started",
        )
    )
    for first, last, email, team, role, agency, module, required, due, completed, began in rows.iterator(
        chunk_size=5000
    ):
        status = enrolment_status(due_date=due, completed_at=completed, started=began, today=today)
        yield [
            f"{first} {last}".strip(),
            email,
            team or "",
            role or "",
            agency or "",
            module,
            "Yes" if required else "No",
            due.isoformat(),
            STATUS_LABELS[status],
            completed.date().isoformat() if completed else "",
        ]
