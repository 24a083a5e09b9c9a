"""Readiness exports: every person by every module assigned to them, and every SCORM attempt; streamed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef
from wagtail.models import Page

from learning.models import Assignment, Enrolment, ModuleProgress, Programme, ScormAttempt
from learning.selectors.assignments import STATUS_LABELS, AssignmentShare, enrolment_status, enrolment_terms
from learning.selectors.scorm import scorm_interaction_counts, scorm_percent
from modules.models import ModulePage

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
    "Assigned through",
]


def person_module_matrix(*, programme: Programme | None, today: date) -> Iterator[list]:
    """Every person by every module assigned to them, for export: streamed from one query.

    One row per person and module even when assignments overlap: required if any requires it,
    due by the earliest required date, with every programme that gave it (enrolment_terms).
    """
    enrolments = Enrolment.objects.filter(
        removed_on__isnull=True, assignment__active=True, user__is_active=True, user__profile__active=True
    )
    if programme is not None:
        enrolments = enrolments.filter(assignment__programme=programme)
    started = ModuleProgress.objects.filter(user_id=OuterRef("user_id"), module_id=OuterRef("module_id"))
    rows = (
        enrolments.annotate(started=Exists(started))
        .order_by("user__last_name", "user__first_name", "user_id", "module_id", "due_date")
        .values_list(
            "user_id",
            "module_id",
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
            "assignment__programme__name",
        )
    )
    person: list[tuple] = []
    for row in rows.iterator(chunk_size=5000):
        if person and person[0][0] != row[0]:
            yield from _matrix_person_rows(person, today=today)
            person = []
        person.append(row)
    if person:
        yield from _matrix_person_rows(person, today=today)


def _matrix_person_rows(rows: list[tuple], *, today: date) -> Iterator[list]:
    """One person's rows merged per module, soonest due first."""
    by_module: dict[int, list[tuple]] = {}
    for row in rows:
        by_module.setdefault(row[1], []).append(row)
    merged = []
    for group in by_module.values():
        terms = enrolment_terms(
            AssignmentShare(required=row[9], due_date=row[10], programme=row[13]) for row in group
        )
        _user, _module, first, last, email, team, role, agency, title = group[0][:9]
        completed = next((row[11] for row in group if row[11] is not None), None)
        began = any(row[12] for row in group)
        status = enrolment_status(
            due_date=terms.due_date, completed=completed is not None, started=began, today=today
        )
        merged.append(
            [
                f"{first} {last}".strip(),
                email,
                team or "",
                role or "",
                agency or "",
                title,
                "Yes" if terms.required else "No",
                terms.due_date.isoformat(),
                STATUS_LABELS[status],
                completed.date().isoformat() if completed else "",
                "; ".join(terms.reasons),
            ]
        )
    yield from sorted(merged, key=lambda row: (row[7], row[5]))


SCORM_HEADER = [
    "Name",
    "Email",
    "Team",
    "Role",
    "Module",
    "Lesson",
    "Course",
    "Version",
    "Part (SCO)",
    "Attempt",
    "Cycle",
    "Status",
    "Result",
    "Score (%)",
    "Time (minutes)",
    "Interactions answered",
    "Interactions missed",
    "Met the lesson's rule",
    "Started",
    "Last saved",
]


def scorm_attempt_rows(*, programme: Programme | None) -> Iterator[list]:
    """Every SCORM attempt, one row each, like the person's record shows it: streamed from one query.

    With a programme, only attempts in lessons of the modules it assigns.
    """
    modules = ModulePage.objects.all()
    if programme is not None:
        modules = modules.filter(pk__in=Assignment.objects.filter(programme=programme).values("module_id"))
    module_titles = dict(modules.values_list("path", "title"))
    rows = ScormAttempt.objects.order_by(
        "user__last_name", "user__first_name", "user_id", "lesson__path", "sco", "number"
    ).values_list(
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__profile__team__name",
        "user__profile__role__name",
        "lesson__path",
        "lesson__title",
        "package_version__package__title",
        "package_version__number",
        "sco",
        "number",
        "cycle",
        "completion_status",
        "success_status",
        "score_raw",
        "score_min",
        "score_max",
        "score_scaled",
        "total_seconds",
        "cmi",
        "completed_activity",
        "started_at",
        "updated_at",
    )
    for row in rows.iterator(chunk_size=2000):
        first, last, email, team, role, lesson_path, lesson_title, course, version, sco = row[:10]
        number, cycle, completion, success, raw, low, high, scaled, seconds, cmi, met, started, saved = row[
            10:
        ]
        module = module_titles.get(lesson_path[: -Page.steplen])
        if module is None:
            continue
        percent = scorm_percent(raw, low, high, scaled)
        answered, missed = scorm_interaction_counts(cmi)
        yield [
            f"{first} {last}".strip(),
            email,
            team or "",
            role or "",
            module,
            lesson_title,
            course,
            version,
            sco,
            number,
            cycle,
            completion or "not attempted",
            success or "",
            round(percent, 1) if percent is not None else "",
            round(seconds / 60, 1),
            answered,
            missed,
            "Yes" if met else "No",
            started.date().isoformat(),
            saved.isoformat(timespec="minutes"),
        ]
