"""The readiness matrix export: every person by every module assigned to them, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef

from learning.models import Enrolment, ModuleProgress, Programme
from learning.selectors.assignments import STATUS_LABELS, AssignmentShare, enrolment_status, enrolment_terms

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
