"""Reads for assignments: a person's learning, a manager's team, readiness figures."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from cms.people.models import StaffProfile
from learning.models import Certificate, Enrolment, ModuleProgress

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
OVERDUE = "overdue"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLETE: "Complete",
    OVERDUE: "Overdue",
}
# Overdue first, then what is under way, then what is untouched, then what is done.
STATUS_ORDER = {OVERDUE: 0, IN_PROGRESS: 1, NOT_STARTED: 2, COMPLETE: 3}


def enrolment_status(*, due_date: date, completed_at: datetime | None, started: bool, today: date) -> str:
    if completed_at is not None:
        return COMPLETE
    if due_date < today:
        return OVERDUE
    return IN_PROGRESS if started else NOT_STARTED


@dataclass(frozen=True)
class LearningItem:
    """One module assigned to one person, with everything a list row shows."""

    enrolment_id: int
    user_id: int
    module_id: int
    module_title: str
    module_url: str | None
    programme: str
    required: bool
    due_date: date
    status: str
    percent: int
    completed_at: datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def active_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(removed_on__isnull=True, assignment__active=True)


def _items(enrolments, *, progress: dict[tuple[int, int], ModuleProgress], today: date) -> list[LearningItem]:
    """One item per person and module: when two assignments give the same module, the
    required one with the earliest due date is the one that counts."""
    chosen: dict[tuple[int, int], Enrolment] = {}
    for enrolment in enrolments:
        key = (enrolment.user_id, enrolment.module_id)
        current = chosen.get(key)
        better = current is None or (
            (enrolment.assignment.required, -enrolment.due_date.toordinal())
            > (current.assignment.required, -current.due_date.toordinal())
        )
        if better:
            chosen[key] = enrolment
    items = []
    for (user_id, module_id), enrolment in chosen.items():
        module_progress = progress.get((user_id, module_id))
        items.append(
            LearningItem(
                enrolment_id=enrolment.pk,
                user_id=user_id,
                module_id=module_id,
                module_title=enrolment.module.title,
                module_url=enrolment.module.url,
                programme=enrolment.assignment.programme.name,
                required=enrolment.assignment.required,
                due_date=enrolment.due_date,
                status=enrolment_status(
                    due_date=enrolment.due_date,
                    completed_at=enrolment.completed_at,
                    started=module_progress is not None,
                    today=today,
                ),
                percent=100
                if enrolment.completed_at
                else (module_progress.percent if module_progress else 0),
                completed_at=enrolment.completed_at,
            )
        )
    return items


def my_learning(*, user, today: date) -> dict:
    """What is assigned to one person, sorted by due date, and their certificates."""
    enrolments = list(
        active_enrolments()
        .filter(user=user)
        .select_related("module", "assignment__programme")
        .order_by("due_date", "module__title")
    )
    progress = {
        (p.user_id, p.module_id): p
        for p in ModuleProgress.objects.filter(user=user, module_id__in={e.module_id for e in enrolments})
    }
    items = sorted(
        _items(enrolments, progress=progress, today=today), key=lambda i: (i.due_date, i.module_title)
    )
    certificates = list(
        Certificate.objects.filter(user=user)
        .select_related("module")
        .order_by("-completed_on", "module_title")
    )
    return {
        "to_do": [i for i in items if i.status != COMPLETE],
        "done": [i for i in items if i.status == COMPLETE],
        "certificates": certificates,
        "required_count": sum(1 for i in items if i.required),
        "required_complete": sum(1 for i in items if i.required and i.status == COMPLETE),
    }


@dataclass(frozen=True)
class TeamRow:
    profile: StaffProfile
    items: list[LearningItem]

    @property
    def worst_status(self) -> str:
        return min((i.status for i in self.items), key=STATUS_ORDER.__getitem__, default=COMPLETE)


def team_learning(
    *,
    profiles: QuerySet[StaffProfile],
    today: date,
    status: str | None = None,
    module_id: int | None = None,
) -> list[TeamRow]:
    """Each person by each assigned module, people with overdue work first."""
    profiles_by_user = {p.user_id: p for p in profiles.select_related("user", "role", "team")}
    enrolments = (
        active_enrolments()
        .filter(user_id__in=profiles_by_user.keys())
        .select_related("module", "assignment__programme")
    )
    if module_id:
        enrolments = enrolments.filter(module_id=module_id)
    enrolments = list(enrolments)
    progress = {
        (p.user_id, p.module_id): p
        for p in ModuleProgress.objects.filter(
            user_id__in=profiles_by_user.keys(), module_id__in={e.module_id for e in enrolments}
        )
    }
    by_user: dict[int, list[LearningItem]] = {}
    for item in _items(enrolments, progress=progress, today=today):
        if status and item.status != status:
            continue
        by_user.setdefault(item.user_id, []).append(item)
    rows = [
        TeamRow(
            profile=profiles_by_user[user_id],
            items=sorted(items, key=lambda i: (STATUS_ORDER[i.status], i.due_date, i.module_title)),
        )
        for user_id, items in by_user.items()
    ]
    rows.sort(
        key=lambda r: (
            STATUS_ORDER[r.worst_status],
            r.profile.user.last_name.lower(),
            r.profile.user.first_name.lower(),
        )
    )
    return rows
