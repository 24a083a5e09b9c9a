"""Reads for assignments: a person's learning, with the status vocabulary every list shares."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from cms.people.models import StaffProfile, User
from learning.models import Certificate, Enrolment, ModuleProgress
from learning.selectors.status import COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE, STATUS_LABELS

# Overdue first, then what is under way, then what is untouched, then what is done.
STATUS_ORDER = {OVERDUE: 0, IN_PROGRESS: 1, NOT_STARTED: 2, COMPLETED: 3}
STATUS_RANKS = {rank: status for status, rank in STATUS_ORDER.items()}


def enrolment_status(*, due_date: date, completed: bool, started: bool, today: date) -> str:
    if completed:
        return COMPLETED
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
    # For lists of several people (My team): their name, and their staff profile.
    person: str = ""
    profile: StaffProfile | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def active_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(removed_on__isnull=True, assignment__active=True)


def _items(
    enrolments, *, progress: dict[tuple[int, int], ModuleProgress], today: date, request=None
) -> list[LearningItem]:
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
                # With the request, Wagtail reads the site's root paths once per page.
                module_url=enrolment.module.get_url(request),
                programme=enrolment.assignment.programme.name,
                required=enrolment.assignment.required,
                due_date=enrolment.due_date,
                status=enrolment_status(
                    due_date=enrolment.due_date,
                    completed=enrolment.completed_at is not None,
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


def my_learning(*, user: User, today: date, request=None) -> dict:
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
        _items(enrolments, progress=progress, today=today, request=request),
        key=lambda i: (i.due_date, i.module_title),
    )
    certificates = list(
        Certificate.objects.filter(user=user)
        .select_related("module")
        .order_by("-completed_on", "module_title")
    )
    return {
        "to_do": [i for i in items if i.status != COMPLETED],
        "done": [i for i in items if i.status == COMPLETED],
        "certificates": certificates,
        "required_count": sum(1 for i in items if i.required),
        "required_complete": sum(1 for i in items if i.required and i.status == COMPLETED),
    }
