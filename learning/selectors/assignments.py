"""Reads for assignments: a person's learning, with the status vocabulary every list shares."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest

from cms.people.models import Role, StaffProfile, Team, User
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
class AssignmentShare:
    """One assignment's part in a person's module: whether it requires it, by when, and why."""

    required: bool
    due_date: date
    programme: str


@dataclass(frozen=True)
class EnrolmentTerms:
    """The terms a person holds a module on when assignments overlap: required if any assignment
    requires it, due by the earliest date among those that do (or among all, if none does), and
    every programme that gave it, as the reasons."""

    required: bool
    due_date: date
    reasons: tuple[str, ...]


def enrolment_terms(shares: Iterable[AssignmentShare]) -> EnrolmentTerms:
    shares = list(shares)
    required = any(share.required for share in shares)
    counting = [share for share in shares if share.required] or shares
    reasons = tuple(
        dict.fromkeys(
            share.programme if share.required else f"{share.programme} (optional)"
            for share in sorted(shares, key=lambda share: (not share.required, share.due_date))
        )
    )
    return EnrolmentTerms(
        required=required, due_date=min(share.due_date for share in counting), reasons=reasons
    )


def enrolments_by_module(enrolments: Iterable[Enrolment]) -> list[tuple[Enrolment, EnrolmentTerms]]:
    """One entry per person and module, in first-seen order: the enrolment that counts (required,
    earliest due) and the merged terms. The enrolments need `assignment__programme` loaded."""
    groups: dict[tuple[int, int], list[Enrolment]] = {}
    for enrolment in enrolments:
        groups.setdefault((enrolment.user_id, enrolment.module_id), []).append(enrolment)
    merged = []
    for group in groups.values():
        terms = enrolment_terms(
            AssignmentShare(
                required=enrolment.assignment.required,
                due_date=enrolment.due_date,
                programme=enrolment.assignment.programme.name,
            )
            for enrolment in group
        )
        counting = min(group, key=lambda enrolment: (not enrolment.assignment.required, enrolment.due_date))
        merged.append((counting, terms))
    return merged


@dataclass(frozen=True)
class ShownProfile:
    """What a row of My team shows of a person's staff profile: job title, role and team (the
    role and team as the names they print), without making a staff profile for each row."""

    job_title: str
    role: Role | None
    team: Team | None


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
    profile: StaffProfile | ShownProfile | None = None
    # Every programme that assigned the module (two overlapping assignments give one item).
    reasons: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def active_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(removed_on__isnull=True, assignment__active=True)


def _items(
    enrolments: Iterable[Enrolment],
    *,
    progress: dict[tuple[int, int], ModuleProgress],
    today: date,
    request: HttpRequest | None = None,
) -> list[LearningItem]:
    """One item per person and module: when two assignments give the same module, it is
    required if either requires it, due by the earliest required date, and both are reasons."""
    items = []
    for enrolment, terms in enrolments_by_module(enrolments):
        user_id, module_id = enrolment.user_id, enrolment.module_id
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
                required=terms.required,
                due_date=terms.due_date,
                status=enrolment_status(
                    due_date=terms.due_date,
                    completed=enrolment.completed_at is not None,
                    started=module_progress is not None,
                    today=today,
                ),
                percent=100
                if enrolment.completed_at
                else (module_progress.percent if module_progress else 0),
                completed_at=enrolment.completed_at,
                reasons=terms.reasons,
            )
        )
    return items


def my_learning(*, user: User, today: date, request: HttpRequest | None = None) -> dict:
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
