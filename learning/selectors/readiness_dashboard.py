"""The readiness dashboard's figures together: the burn-up (completions per day against the
target line) and every figure computed at once (``readiness_figures``), kept in the shared cache
and refreshed by beat. The grain, its roll-ups and the overdue list are in
``learning.selectors.readiness``."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, DateTimeField, ExpressionWrapper, F, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from learning.models import Programme
from learning.selectors.readiness import (
    BY_FIELDS,
    GrainRow,
    ShareRow,
    counted_once_statement,
    cursor_date,
    overdue_list,
    readiness_grain,
    readiness_grain_values,
    required_enrolments,
)
from learning.selectors.readiness_rollups import GrainRollUp, Heatmap


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


def _local_day(field: str, *, since: date, until: date) -> Case:
    """The local date of the moment in `field`, in the current time zone, by arithmetic.

    Converting every completion to local time by the zone's name costs PostgreSQL about a
    third of the completions-per-day query at 60,000 completions (docs/benchmarks.md). Between
    `since` and `until` the zone keeps one offset from UTC at a time (it changes only when the
    clocks go forward or back), so there a moment's local date is the UTC date of the moment
    moved by that offset; a moment outside them is converted by the zone's name as before."""
    zone = timezone.get_current_timezone()

    def offset(moment: datetime) -> timedelta:
        return moment.astimezone(zone).utcoffset() or timedelta()

    start = datetime.combine(since, time(), tzinfo=zone).astimezone(UTC) - timedelta(days=1)
    end = datetime.combine(until, time(), tzinfo=zone).astimezone(UTC) + timedelta(days=2)
    spans: list[tuple[datetime, datetime, timedelta]] = []
    span_start, span_offset, moment = start, offset(start), start
    while moment < end:
        following = min(moment + timedelta(days=1), end)
        if offset(following) != span_offset:
            # The clocks changed within this day: find the moment they did, to the microsecond.
            before, after = moment, following
            while after - before > timedelta(microseconds=1):
                middle = before + (after - before) / 2
                before, after = (middle, after) if offset(middle) == span_offset else (before, middle)
            spans.append((span_start, after, span_offset))
            span_start, span_offset = after, offset(after)
        moment = following
    spans.append((span_start, end, span_offset))
    return Case(
        *(
            When(
                **{f"{field}__gte": span_start, f"{field}__lt": span_end},
                then=TruncDate(
                    ExpressionWrapper(F(field) + span_offset, output_field=DateTimeField()), tzinfo=UTC
                ),
            )
            for span_start, span_end, span_offset in reversed(spans)
        ),
        default=TruncDate(field),
    )


def burn_up(
    *,
    programme: Programme,
    today: date,
    pace_window_days: int = 28,
    grain: list[GrainRow] | None = None,
) -> BurnUp:
    """Completions per day (one query) on top of the grain's total and first enrolment."""
    if grain is None:
        grain = readiness_grain(programme=programme, today=today)
    rolled_up = GrainRollUp(grain)
    return _burn_up(
        programme=programme,
        today=today,
        pace_window_days=pace_window_days,
        total=rolled_up.totals().total,
        first_enrolled=rolled_up.first_enrolled,
    )


def _burn_up(
    *, programme: Programme, today: date, pace_window_days: int, total: int, first_enrolled: date | None
) -> BurnUp:
    start = first_enrolled or today
    # People completing each module per day (a module assigned twice is one completion).
    per_day_and_module, params = counted_once_statement(
        programme=programme,
        enrolments=required_enrolments(programme=programme).filter(completed_at__isnull=False),
        group={
            "day": _local_day("completed_at", since=start, until=today),
            "counted_module": F("module_id"),
        },
        rows={"completed": Count("id")},
        people={"completed": Count("user_id", distinct=True)},
    )
    per_day: dict[date, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(per_day_and_module, params)
        for value, _module, completed in cursor.fetchall():
            if (day := cursor_date(value)) is not None:
                per_day[day] = per_day.get(day, 0) + completed
    points: list[tuple[date, int]] = []
    running = 0
    recent = 0
    for day, completed in sorted(per_day.items()):
        running += completed
        points.append((day, running))
        if day > today - timedelta(days=pace_window_days):
            recent += completed
    per_day_pace = recent / pace_window_days
    days_left = max(0, (programme.go_live_date - today).days)
    projected = min(total, round(running + per_day_pace * days_left))
    return BurnUp(
        start=min(start, today),
        go_live=programme.go_live_date,
        total=total,
        points=points,
        projected_at_go_live=projected,
        pace_per_week=round(per_day_pace * 7, 1),
    )


@dataclass(frozen=True)
class ReadinessFigures:
    """Everything the readiness dashboard shows for one programme on one day."""

    programme_id: int | None
    today: date
    computed_at: datetime
    totals: ShareRow
    groupings: dict[str, list[ShareRow]]
    heatmap: Heatmap
    overdue: list[Mapping[str, Any]]
    burn: BurnUp | None


def readiness_figures(*, programme: Programme | None, today: date) -> ReadinessFigures:
    """Every figure of the dashboard from three queries (grain, completions per day, overdue).

    The grain's rows are rolled up as the cursor gives them (``GrainRollUp``, one pass), with no
    ``GrainRow`` made for them."""
    rolled_up = GrainRollUp(readiness_grain_values(programme=programme, today=today))
    totals = rolled_up.totals()
    return ReadinessFigures(
        programme_id=programme.pk if programme else None,
        today=today,
        computed_at=timezone.now(),
        totals=totals,
        groupings={by: rolled_up.by(by) for by in BY_FIELDS},
        heatmap=rolled_up.heatmap(),
        overdue=overdue_list(programme=programme, today=today),
        burn=(
            _burn_up(
                programme=programme,
                today=today,
                pace_window_days=28,
                total=totals.total,
                first_enrolled=rolled_up.first_enrolled,
            )
            if programme
            else None
        ),
    )


def readiness_figures_cache_key(*, programme_id: int | None, today: date) -> str:
    return f"learning:readiness:v2:{programme_id or 'all'}:{today.isoformat()}"


def readiness_figures_cached(*, programme: Programme | None, today: date) -> ReadinessFigures:
    """The dashboard's figures, computed at most once per READINESS_CACHE_SECONDS.

    Grouping every required enrolment takes about a second at 150,000 of them, so the
    figures are kept in the shared cache and refreshed by Celery beat
    (learning.tasks.readiness_figures_refresh_task) before they expire; the page
    says how old they are. A person's own record is always read live.
    """
    seconds = settings.READINESS_CACHE_SECONDS
    if not seconds:
        return readiness_figures(programme=programme, today=today)
    key = readiness_figures_cache_key(programme_id=programme.pk if programme else None, today=today)
    figures = cache.get(key)
    if figures is None:
        figures = readiness_figures(programme=programme, today=today)
        cache.set(key, figures, seconds)
    return figures


def readiness_figures_refresh(*, today: date) -> int:
    """Recompute and store every programme's figures (run by beat); returns how many."""
    seconds = settings.READINESS_CACHE_SECONDS
    programmes = list(Programme.objects.all())
    for programme in programmes:
        figures = readiness_figures(programme=programme, today=today)
        if seconds:
            cache.set(readiness_figures_cache_key(programme_id=programme.pk, today=today), figures, seconds)
    return len(programmes)
