"""Readiness figures for L&D and leadership: who counts, the grain (per person and module) and the
overdue list. The grain's roll-ups into shares complete and the heatmap are in
``learning.selectors.readiness_rollups``; the burn-up and the dashboard's figures together,
cached, in ``learning.selectors.readiness_dashboard``."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db import connection, models
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, When
from django.db.models.expressions import RawSQL
from wagtail.models import Page

from cms.people.models import Agency, Role, StaffProfile, Team, User
from learning.models import Assignment, Enrolment, Programme

BY_FIELDS = {
    "team": ("user__profile__team__name", "Team"),
    "role": ("user__profile__role__name", "Role"),
    "agency": ("user__profile__agency__name", "Agency"),
}


def _counted_profiles() -> QuerySet[StaffProfile]:
    """The staff whose required learning counts towards readiness: an active profile of an
    active user. Someone without a profile, or a leaver, is in no figure."""
    return StaffProfile.objects.filter(active=True, user__is_active=True)


def required_enrolments(
    *, programme: Programme | None = None, with_profile: bool = False
) -> QuerySet[Enrolment]:
    """Required learning that counts towards readiness: people who count
    (``_counted_profiles``), live assignments.

    Who counts is decided on the people tables (a few thousand rows), not per enrolment: at
    150,000 enrolments each join of every enrolment to a people table is a hash join of them
    all (docs/benchmarks.md). By default the enrolments of the few people left out are
    dropped (a small hashed ``NOT IN``, no join at all). ``with_profile`` is for grouping by
    team, role or agency: each enrolment is joined once to its person's profile
    (``Enrolment.profile``) and only the profiles that count are joined, rather than joining
    the user table as well."""
    enrolments = Enrolment.objects.filter(
        removed_on__isnull=True,
        assignment__active=True,
        assignment__required=True,
    )
    if with_profile:
        enrolments = enrolments.filter(profile__pk__in=_counted_profiles())
    else:
        left_out = User.objects.exclude(pk__in=_counted_profiles().values("user_id"))
        enrolments = enrolments.exclude(user_id__in=left_out)
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


def _counts(today: date, *, distinct: bool = True) -> dict:
    """The three figures every readiness table shows, as aggregates over a grouping that
    includes the module: people are counted, not enrolments, so a module assigned to someone
    twice (audiences that overlap) counts once, overdue by its earliest required date.

    ``distinct=False`` counts rows instead: the same figures where each person has one row at
    most (``readiness_grain``), without the sort a distinct count needs; the complete ones as the
    completion times set (``COUNT`` skips a null), not by a ``FILTER`` (docs/benchmarks.md)."""
    overdue = Q(completed_at__isnull=True, due_date__lt=today)
    if not distinct:
        return {
            "total": Count("*"),
            "complete": Count("completed_at"),
            "overdue": Count("id", filter=overdue),
        }
    return {
        "total": Count("user_id", distinct=True),
        "complete": Count("user_id", distinct=True, filter=Q(completed_at__isnull=False)),
        "overdue": Count("user_id", distinct=True, filter=overdue),
    }


class GrainRow(NamedTuple):
    """Required learning counted for one team, role, agency and module: the finest grain
    every readiness table is a roll-up of (a tuple, in the order the grain's query gives)."""

    team: str | None
    role: str | None
    agency: str | None
    module: str
    total: int
    complete: int
    overdue: int
    first_enrolled: date | None


def _named(
    grouped: QuerySet | tuple[str, list[Any]],
    *,
    select: str,
    joins: list[tuple[str, type[models.Model], str, str]],
    tail: str = "",
) -> list[tuple]:
    """Rows of `grouped` (a values() query grouped by ids, or the SQL and parameters of one)
    with names joined on afterwards.

    Grouping by ids and joining names onto the few thousand groups is cheaper than grouping
    150,000 rows by the names themselves: PostgreSQL then sorts integers, not collated text.
    `select` names the outer columns (the grouped query is `g`); each join is (kind, model,
    alias, condition); `tail` ends the statement (ORDER BY, LIMIT).
    """
    inner, params = grouped if isinstance(grouped, tuple) else grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    joined = " ".join(
        f"{kind} JOIN {quote(model._meta.db_table)} {alias} ON {condition}"
        for kind, model, alias, condition in joins
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM ({inner}) g {joined} {tail}", params)  # noqa: S608
        return cursor.fetchall()


def cursor_date(value: date | str | None) -> date | None:
    """A date read by a raw cursor as a date: PostgreSQL gives a date, SQLite ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def counted_once_statement(
    *,
    programme: Programme | None,
    enrolments: QuerySet[Enrolment],
    group: dict[str, Any],
    rows: dict,
    people: dict,
) -> tuple[str, list[Any]]:
    """One statement (SQL and parameters) grouping required `enrolments` by `group` (whose
    ``counted_module`` key is the module), with the counts `people` (distinct people) as `rows` (the
    same counted by rows) give them where they agree.

    A distinct count has PostgreSQL sort every row by the group (150,000 of them, spilling to
    disk) and each group again per count. Where a module is given by one counting assignment
    and every enrolment in it was made for that assignment, each person has one row in it, so
    the statement counts rows (hashed, no sort) and marks the modules where that does not hold
    (a module assigned twice, or an enrolment left on a module its assignment was changed
    from); only those modules, none as a rule, are counted again by distinct people.

    The distinct count is not read at all unless some module needs it: PostgreSQL otherwise
    scans the enrolments until the first row it could keep (tens of thousands of them at the
    bench's 150,000, the completed ones lying at the end of the table).

    Whether a module is assigned twice is read from the assignments (a few dozen rows) once,
    not tested on every enrolment; each row only compares its module with its assignment's."""
    counting = Assignment.objects.filter(active=True, required=True)
    if programme is not None:
        counting = counting.filter(programme=programme)
    twice = (
        counting.order_by()
        .values("module_id")
        .annotate(times=Count("id"))
        .filter(times__gt=1)
        .values("module_id")
    )
    moved = ~Q(module_id=F("assignment__module_id"))
    quote = connection.ops.quote_name
    by_rows_name, shared_name = quote("by_rows"), quote("shared_modules")
    shared_modules = f"SELECT counted_module FROM {shared_name}"  # noqa: S608 (quoted names only)
    by_rows = (
        enrolments.values(**group)
        .annotate(**rows, shared=Max(Case(When(moved, then=1), default=0)))
        .order_by()
    )
    by_people = (
        enrolments.filter(module_id__in=RawSQL(shared_modules, ()))  # noqa: S611 (no input)
        .values(**group)
        .annotate(**people)
        .order_by()
    )
    rows_sql, rows_params = by_rows.query.sql_with_params()
    twice_sql, twice_params = twice.query.sql_with_params()
    people_sql, people_params = by_people.query.sql_with_params()
    columns = ", ".join(quote(name) for name in [*group, *people])
    return (
        f"WITH {by_rows_name} AS ({rows_sql}), "  # noqa: S608
        f"{shared_name} AS (SELECT counted_module FROM {by_rows_name} WHERE shared = 1 "
        f"UNION {twice_sql}) "
        f"SELECT {columns} FROM {by_rows_name} WHERE counted_module NOT IN ({shared_modules}) "
        f"UNION ALL SELECT * FROM ({people_sql}) by_people WHERE EXISTS ({shared_modules})",
        [*rows_params, *twice_params, *people_params],
    )


def readiness_grain_values(*, programme: Programme | None, today: date) -> list[tuple]:
    """The grain's rows as the cursor gives them: (team, role, agency, module, total, complete,
    overdue, first enrolled), names joined, the date as the database gives it (text on SQLite:
    ``cursor_date``). For a caller that rolls the rows up at once (``GrainRollUp``) and so needs
    no ``GrainRow`` made for each; ``readiness_grain`` gives them as ``GrainRow``."""
    grouped = counted_once_statement(
        programme=programme,
        enrolments=required_enrolments(programme=programme, with_profile=True),
        group={
            "grain_team": F("profile__team_id"),
            "grain_role": F("profile__role_id"),
            "grain_agency": F("profile__agency_id"),
            "counted_module": F("module_id"),
        },
        rows={**_counts(today, distinct=False), "first_enrolled": Min("enrolled_on")},
        people={**_counts(today), "first_enrolled": Min("enrolled_on")},
    )
    return _named(
        grouped,
        select=(
            "team.name, role.name, agency.name, page.title, g.total, g.complete, g.overdue, g.first_enrolled"
        ),
        joins=[
            ("LEFT", Team, "team", "team.id = g.grain_team"),
            ("LEFT", Role, "role", "role.id = g.grain_role"),
            ("LEFT", Agency, "agency", "agency.id = g.grain_agency"),
            ("INNER", Page, "page", "page.id = g.counted_module"),
        ],
    )


def readiness_grain(*, programme: Programme | None, today: date) -> list[GrainRow]:
    """One grouped query over required enrolments; a few thousand rows at most
    (teams x roles x agencies x modules), whatever the number of people.

    Grouped by the ids of team, role, agency and module, then named: at 150,000 enrolments
    grouping by the names cost about twice as much (docs/benchmarks.md); people are counted by
    rows where that gives the same figures (``counted_once_statement``)."""
    return [
        GrainRow(
            team=team,
            role=role,
            agency=agency,
            module=module,
            total=total,
            complete=complete,
            overdue=overdue,
            first_enrolled=cursor_date(first_enrolled),
        )
        for team, role, agency, module, total, complete, overdue, first_enrolled in readiness_grain_values(
            programme=programme, today=today
        )
    ]


def overdue_list(*, programme: Programme | None, today: date, limit: int = 200) -> list[Mapping[str, Any]]:
    """The people and modules most overdue: one row per person and module, at the earliest
    date it was due; grouped by ids, and only the rows shown are named."""
    grouped = (
        required_enrolments(programme=programme)
        .filter(completed_at__isnull=True, due_date__lt=today)
        .values(overdue_user=F("user_id"), overdue_module=F("module_id"))
        .annotate(earliest_due=Min("due_date"))
        .order_by()
    )
    # The rows shown are chosen with the one name they are ordered by, then the few of them
    # named: joining team and module to every overdue row before the cut cost about a quarter of
    # the query at 15,000 overdue rows (docs/benchmarks.md).
    grouped_sql, params = grouped.query.sql_with_params()
    person = connection.ops.quote_name(User._meta.db_table)
    shown = (
        "SELECT g.overdue_user, g.overdue_module, g.earliest_due, "  # noqa: S608 (no input)
        f"person.first_name, person.last_name, person.email FROM ({grouped_sql}) g "
        f"INNER JOIN {person} person ON person.id = g.overdue_user "
        # Ties broken by person and module, so the list (and its cut at `limit`) is stable.
        f"ORDER BY g.earliest_due, person.last_name, g.overdue_user, g.overdue_module LIMIT {int(limit)}"
    )
    rows = _named(
        (shown, list(params)),
        select=(
            "g.overdue_user, g.first_name, g.last_name, g.email, team.name, "
            "g.overdue_module, page.title, g.earliest_due"
        ),
        joins=[
            ("LEFT", StaffProfile, "profile", "profile.user_id = g.overdue_user"),
            ("LEFT", Team, "team", "team.id = profile.team_id"),
            ("INNER", Page, "page", "page.id = g.overdue_module"),
        ],
        tail="ORDER BY g.earliest_due, g.last_name, g.overdue_user, g.overdue_module",
    )
    fields = (
        "user_id",
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__profile__team__name",
        "module_id",
        "module__title",
        "due_date",
    )
    return [{**dict(zip(fields, row, strict=True)), "due_date": cursor_date(row[-1])} for row in rows]
